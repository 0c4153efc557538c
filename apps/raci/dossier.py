"""The RACI matrix in the governance dossier: every activity's letters per role, with the revision."""

from apps.projects.choices import Role

from .selectors import grid_build, matrix_get


def _initials(label: str) -> str:
    return "".join(word[0] for word in label.replace("/", " ").split() if word[0].isupper())


def raci_section(project) -> dict:
    matrix = matrix_get(project=project)
    roles = [{"role": label, "short": _initials(label)} for _, label in Role.choices]
    if matrix is None:
        return {"revision": None, "roles": roles, "activities": []}
    grid = grid_build(matrix=matrix)
    return {
        "revision": matrix.revision,
        "roles": roles,
        "activities": [
            {
                "stage": row.activity.get_stage_display(),
                "name": row.activity.name,
                "kind": row.activity.get_kind_display(),
                "cells": [row.cells.get(role, "") for role in Role.values],
                "violations": list(row.violations),
            }
            for row in grid.rows
        ],
    }
