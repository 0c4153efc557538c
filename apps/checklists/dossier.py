"""Checklists in the governance dossier: progress per checklist, section and stage, and the open red flags."""

from apps.dossier.registry import person

from .selectors import project_progress, red_flags, stages_up_to


def _tally(tally) -> dict:
    return {
        "total": tally.total,
        "complete": tally.complete,
        "percent": tally.percent,
        "required": tally.required,
        "required_open": tally.required_open,
        "reviewed": tally.reviewed,
    }


def checklists_section(project) -> dict:
    progress = project_progress(project=project)
    flags = red_flags(project=project, stages=stages_up_to(project.current_stage))
    return {
        "total": _tally(progress.total),
        "checklists": [
            {
                "name": entry.checklist.version.name,
                "version": entry.checklist.version.number,
                "tally": _tally(entry.tally),
                "sections": [{"title": section.title, "tally": _tally(tally)} for section, tally in entry.sections],
            }
            for entry in progress.checklists
        ],
        "stages": [{"stage": label, "tally": _tally(tally)} for _, label, tally in progress.stages if tally.total],
        "red_flags": [
            {
                "checklist": flag.checklist.version.name,
                "item": flag.item.key,
                "title": flag.item.title,
                "stage": flag.item.get_stage_display(),
                "status": flag.status_label,
                "owner": person(flag.response.owner) if flag.response else "",
            }
            for flag in flags
        ],
    }


def checklists_summary(data) -> list:
    total = data["total"]
    return [
        ("Checklist items", f"{total['complete']} of {total['total']} complete ({total['percent']} %)"),
        ("Open red flags", str(len(data["red_flags"]))),
    ]
