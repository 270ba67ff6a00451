"""`/api/imports`: upload a file for a layer, read its per-row report (nothing written yet), confirm, poll.

POST /api/imports?layer=enterprises[&crs=gcj02&lon_col=…&lat_col=…&repair=true&id_field=…]  (multipart "file")
  → 202 {id, status: "validating"}; poll GET /api/imports/{id} until "validated" (report) or "failed"
POST /api/imports/{id}/confirm → 202 {status: "importing"}; poll until "done" or "rejected"
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from app.auth.roles import IMPORTERS, Role
from app.auth.users import CurrentUser
from app.deps import SettingsDep, require_role
from app.errors import Conflict, NotFound
from app.imports import jobs
from app.imports.fields import KEY, import_specs
from app.imports.service import ImportOptions, spec_for
from app.imports.upload import receive_upload

router = APIRouter(tags=["imports"])
ImporterDep = Annotated[CurrentUser, Depends(require_role(IMPORTERS))]
UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"}},
                }
            }
        },
    }
}


def job_registry(request: Request) -> jobs.ImportJobs:
    state = request.app.state
    if not hasattr(state, "import_jobs"):
        state.import_jobs = jobs.ImportJobs(state.settings.data_dir / "imports")
    return state.import_jobs


def own_job(request: Request, job_id: str, user: CurrentUser) -> jobs.ImportJob:
    job = job_registry(request).jobs.get(job_id)
    if job is None or (job.owner != user.username and user.role != Role.admin):
        raise NotFound(f"no import job {job_id}", field="job_id")
    return job


@router.get("/api/imports/layers", operation_id="importableLayers", summary="Layers that take imports, with fields")
async def importable_layers(_: ImporterDep) -> dict:
    return {"layers": [spec.describe() for spec in import_specs().values()]}


@router.post(
    "/api/imports",
    operation_id="startImport",
    summary="Upload a file; the per-row report comes first, nothing is written until confirmed",
    status_code=202,
    openapi_extra=UPLOAD_BODY,
)
async def start_import(
    request: Request,
    settings: SettingsDep,
    user: ImporterDep,
    layer: Annotated[str, Query(max_length=63)],
    crs: Annotated[str | None, Query(max_length=200, description="EPSG code, 'gcj02' or 'bd09'")] = None,
    lon_col: Annotated[str | None, Query(max_length=100)] = None,
    lat_col: Annotated[str | None, Query(max_length=100)] = None,
    repair: bool = False,
    id_field: Annotated[str, Query(max_length=100)] = KEY,
    source_layer: Annotated[str | None, Query(max_length=200, description="layer, worksheet or dataset")] = None,
) -> dict:
    spec_for(layer)  # 404 before the upload is read
    registry = job_registry(request)
    job_id, folder = registry.new_id()
    upload = await receive_upload(request, limit=settings.max_upload_mb * 2**20, folder=folder, name="upload")
    options = ImportOptions(layer, crs, lon_col, lat_col, repair, id_field, source_layer)
    job = registry.add(jobs.ImportJob(job_id, user.username, options, upload.path, upload.filename))
    job.task = asyncio.create_task(jobs.run(job, request.app.state.pool, user, dry_run=True))
    return job.to_dict()


@router.get("/api/imports/{job_id}", operation_id="getImport", summary="Status, progress and the per-row report")
async def get_import(request: Request, job_id: str, user: ImporterDep) -> dict:
    return own_job(request, job_id, user).to_dict()


@router.post(
    "/api/imports/{job_id}/confirm", operation_id="confirmImport", summary="Write the checked file", status_code=202
)
async def confirm_import(request: Request, job_id: str, user: ImporterDep) -> dict:
    """Checks everything again in the writing transaction: the data may have changed since the report."""
    job = own_job(request, job_id, user)
    if job.status != "validated":
        raise Conflict(f"job {job_id} is {job.status}; only a validated job can be confirmed", field="job_id")
    if job.report and job.report["summary"]["errors"]:
        raise Conflict("the report has errors: fix the file and upload it again", field="job_id")
    job.status, job.phase, job.progress = "importing", "queued", 0.0
    job.task = asyncio.create_task(jobs.run(job, request.app.state.pool, user, dry_run=False))
    return job.to_dict()


@router.delete("/api/imports/{job_id}", operation_id="discardImport", summary="Drop a job and its uploaded file")
async def discard_import(request: Request, job_id: str, user: ImporterDep) -> dict:
    job = own_job(request, job_id, user)
    if job.status == "importing":
        raise Conflict("the import is being written; wait for it to finish", field="job_id")
    job_registry(request).discard(job)
    return {"ok": True}
