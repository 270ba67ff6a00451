"""Import jobs for the API: upload → dry run (the per-row report) → confirm → import, polled by the page.

Jobs live in this process (one uvicorn worker serves the app); each runs as its owner through the scoped pool,
so row-level security and the audit log see the real user. The uploaded file is deleted when the job ends.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import asyncpg

from app.auth.scope import ScopedPool
from app.auth.users import CurrentUser
from app.imports.service import ImportOptions, import_file
from geodata.errors import GeodataError

log = logging.getLogger("twomaps")
Status = Literal["validating", "validated", "importing", "done", "rejected", "failed"]
KEEP_SECONDS = 3600
MAX_JOBS = 100


@dataclass
class ImportJob:
    id: str
    owner: str
    options: ImportOptions
    path: Path
    filename: str
    status: Status = "validating"
    phase: str = "queued"
    progress: float = 0.0
    report: dict | None = None
    error: dict | None = None
    created: float = field(default_factory=time.time)
    task: asyncio.Task | None = None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "layer": self.options.layer,
            "file": self.filename,
            "owner": self.owner,
            "status": self.status,
            "phase": self.phase,
            "progress": round(self.progress, 3),
            "report": self.report,
            "error": self.error,
        }

    @property
    def finished(self) -> bool:
        return self.status in ("done", "rejected", "failed")


class ImportJobs:
    def __init__(self, folder: Path):
        self.folder = folder
        self.jobs: dict[str, ImportJob] = {}

    def new_id(self) -> tuple[str, Path]:
        """A job id and the folder its upload goes to; old finished jobs are forgotten first."""
        self.forget_old()
        job_id = secrets.token_urlsafe(12)
        return job_id, self.folder / job_id

    def add(self, job: ImportJob) -> ImportJob:
        self.jobs[job.id] = job
        return job

    def forget_old(self) -> None:
        cutoff = time.time() - KEEP_SECONDS
        for job in list(self.jobs.values()):
            if (job.created < cutoff and job.status != "importing") or len(self.jobs) > MAX_JOBS and job.finished:
                self.discard(job)

    def discard(self, job: ImportJob) -> None:
        if job.task and not job.task.done():
            job.task.cancel()
        self.jobs.pop(job.id, None)
        shutil.rmtree(job.path.parent, ignore_errors=True)


async def run(job: ImportJob, pool: asyncpg.Pool, user: CurrentUser, *, dry_run: bool) -> None:
    """One pass of the job: the dry run that makes the report, or the import itself."""

    def progress(phase: str, fraction: float) -> None:
        job.phase, job.progress = phase, fraction

    try:
        async with ScopedPool(pool, user).acquire() as conn:
            result = await import_file(conn, job.path, job.options, dry_run=dry_run, progress=progress)
        job.report = result.to_dict()
        if dry_run:
            job.status = "validated"
        else:
            job.status = "done" if result.written else "rejected"
    except GeodataError as exc:
        job.status, job.error = "failed", {"code": exc.code, "message_zh": exc.message_zh, "message_en": exc.message_en}
    except Exception:  # the page must hear that the job died, whatever killed it; the trace goes to the log
        log.exception("import job %s failed", job.id)
        job.status = "failed"
        job.error = {
            "code": "internal_error",
            "message_zh": "导入失败，已记录日志",
            "message_en": "the import failed; see the log",
        }
    finally:
        job.progress = 1.0
        if job.finished:
            shutil.rmtree(job.path.parent, ignore_errors=True)
