"""Vocabularies of the project profile (from the lifecycle guide and the master workflow)."""

from django.db import models


class Stage(models.TextChoices):
    """The eight lifecycle stages, in order."""

    SCOPING = "scoping", "Scoping"
    FEASIBILITY = "feasibility", "Feasibility"
    DATA_PREPARATION = "data_preparation", "Data Preparation"
    FEATURE_ENGINEERING = "feature_engineering", "Feature Engineering"
    MODEL_DEVELOPMENT = "model_development", "Model Development"
    EVALUATION = "evaluation", "Evaluation"
    DEPLOYMENT = "deployment", "Deployment"
    MONITORING = "monitoring", "Monitoring"


class UseCase(models.TextChoices):
    CLASSIFICATION = "classification", "Classification"
    REGRESSION = "regression", "Regression"
    NLP_LLM = "nlp_llm", "NLP / LLM"
    VISION = "vision", "Computer vision"
    FORECASTING = "forecasting", "Forecasting"
    RECOMMENDATIONS = "recommendations", "Recommendations"
    RAG = "rag", "Retrieval-augmented generation (RAG)"
    AGENTS = "agents", "Agents"


class Objective(models.TextChoices):
    PREDICTIVE = "predictive", "Predictive"
    GENERATIVE = "generative", "Generative"
    EMBEDDING = "embedding", "Embedding"
    AGENTIC = "agentic", "Agentic"
    RETRIEVAL = "retrieval", "Retrieval"
    REINFORCEMENT_LEARNING = "reinforcement_learning", "Reinforcement learning"


class LatencyClass(models.TextChoices):
    REAL_TIME = "real_time", "Real-time (< 100 ms)"
    NEAR_REAL_TIME = "near_real_time", "Near real-time"
    BATCH = "batch", "Batch"


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    RETIRED = "retired", "Retired"


class Role(models.TextChoices):
    """Project roles (the lifecycle guide's audience matrix)."""

    EXECUTIVE_SPONSOR = "executive_sponsor", "Executive Sponsor"
    PRODUCT_OWNER = "product_owner", "Product Owner"
    PRODUCT_MANAGER = "product_manager", "Product Manager"
    DATA_SCIENTIST = "data_scientist", "Data Scientist / ML Engineer"
    DATA_ENGINEER = "data_engineer", "Data Engineer"
    MLOPS_ENGINEER = "mlops_engineer", "MLOps Engineer"
    DOMAIN_SME = "domain_sme", "Domain SME"
    QA_ENGINEER = "qa_engineer", "QA / Test Engineer"
    COMPLIANCE_OFFICER = "compliance_officer", "Security / Compliance Officer"
    ETHICS_REVIEWER = "ethics_reviewer", "Ethics / Fairness Reviewer"
