"""Vocabularies of the model-card app."""

from django.db import models

from apps.projects.choices import Objective, UseCase


class RevisionState(models.TextChoices):
    """Derived from the revision's latest sign-off request (selectors.revision_states); never stored."""

    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "Awaiting sign-off"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CardEventKind(models.TextChoices):
    """One step in a card's history."""

    MODEL_CREATED = "model_created", "Model registered"
    MODEL_CHANGED = "model_changed", "Model settings changed"
    REVISION_CREATED = "revision_created", "Revision saved"
    IMPORTED = "imported", "Revision imported"
    SUBMITTED = "submitted", "Submitted for sign-off"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Submission withdrawn"


class ImportFormat(models.TextChoices):
    YAML = "yaml", "Model card YAML (model_card: root)"
    HUGGING_FACE = "huggingface", "Hugging Face README.md (metadata)"


# Projects that get the lifecycle guide's LLM / generative additions on their cards.
GENERATIVE_USE_CASES = {UseCase.NLP_LLM, UseCase.RAG, UseCase.AGENTS}
GENERATIVE_OBJECTIVES = {Objective.GENERATIVE, Objective.AGENTIC}


def is_generative(project) -> bool:
    return project.use_case in GENERATIVE_USE_CASES or project.objective in GENERATIVE_OBJECTIVES
