"""The embedded default runs background work with no Redis: a real worker on kombu's filesystem transport."""

import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def test_a_worker_with_embedded_beat_processes_tasks_through_the_filesystem_broker(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "CELERY_BROKER_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        CELERY_FILESYSTEM_DIR=str(tmp_path / "celery"),
        DJANGO_SETTINGS_MODULE="portal.settings.base",
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    worker = subprocess.Popen(
        [
            CELERY,
            "-A",
            "portal",
            "worker",
            "--beat",
            "--loglevel=info",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        subprocess.run(
            [CELERY, "-A", "portal", "call", "apps.audit.tasks.verify_audit_chain"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
            capture_output=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in worker.stdout], daemon=True).start()
        deadline, log = time.monotonic() + 60, []
        while time.monotonic() < deadline:
            try:
                log.append(lines.get(timeout=1))
            except queue.Empty:
                continue
            if "verify_audit_chain" in log[-1] and "succeeded" in log[-1]:
                break
        else:
            raise AssertionError("no task result within 60 s:\n" + "".join(log))
        assert any("beat: Starting" in line for line in log), "beat did not start inside the worker"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
