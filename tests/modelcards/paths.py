"""URLs of the model-card pages and API, shared by the page, API and permission tests."""


def page_urls(project, model_key="customer_churn_predictor", number=1):
    base = f"/projects/{project.slug}/model-cards/"
    card = f"{base}{model_key}/"
    return {
        "list": base,
        "card": card,
        "revision": f"{card}revisions/{number}/",
        "compare": f"{card}compare/?from=1&to={number}",
        "export_yaml": f"{card}revisions/{number}/export/yaml/",
        "export_mct": f"{card}revisions/{number}/export/mct/",
        "export_hf": f"{card}revisions/{number}/export/huggingface/",
        "export_pdf": f"{card}revisions/{number}/export/pdf/",
    }


def write_urls(project, model_key="customer_churn_predictor", number=1):
    base = f"/projects/{project.slug}/model-cards/"
    card = f"{base}{model_key}/"
    return [f"{base}new/", f"{base}import/", f"{card}edit/", f"{card}settings/", f"{card}revisions/{number}/submit/"]


def api_url(project, path=""):
    return f"/api/v1/projects/{project.slug}/models/{path}"
