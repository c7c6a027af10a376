"""/webhooks: outbound webhook endpoints, their deliveries and attempt logs, and the dead letters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cbec.api.deps import Limit, Offset, PrincipalDep, RowId, StoreDep, require
from cbec.api.problems import PROBLEM_RESPONSES
from cbec.auth.domain import REGULATORS, Principal
from cbec.delivery import service as delivery
from cbec.delivery.schemas import DeliveryRead, EndpointCreate, EndpointCreated, EndpointRead

router = APIRouter(prefix="/webhooks", tags=["webhooks"], responses=PROBLEM_RESPONSES)


@router.get("", response_model=list[EndpointRead])
def endpoints(store: StoreDep, principal: PrincipalDep) -> list[EndpointRead]:
    """List the webhook endpoints you may see (yours; a regulator sees all), newest first, never their secrets."""
    return delivery.list_endpoints(store=store, principal=principal)


@router.post("", response_model=EndpointCreated, status_code=201)
def register(body: EndpointCreate, store: StoreDep, principal: PrincipalDep) -> EndpointCreated:
    """Register an endpoint; the answer shows its signing secret this once (keep it: it is stored sealed)."""
    return delivery.register_endpoint(store=store, data=body, principal=principal)


@router.post("/{endpoint_id}/disable", response_model=EndpointRead)
def disable(endpoint_id: RowId, store: StoreDep, principal: PrincipalDep) -> EndpointRead:
    """Switch an endpoint off (yours, or any for a regulator); what is still queued for it becomes a dead letter."""
    return delivery.disable_endpoint(store=store, endpoint_id=endpoint_id, principal=principal)


@router.get("/deliveries", response_model=list[DeliveryRead])
def deliveries(
    store: StoreDep,
    principal: PrincipalDep,
    state: Annotated[str | None, Query(pattern="^(pending|delivered|dead)$")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> list[DeliveryRead]:
    """List deliveries to the endpoints you may see, newest first; `state=dead` lists the dead letters."""
    return delivery.list_deliveries(store=store, principal=principal, state=state, limit=limit, offset=offset)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryRead)
def delivery_log(delivery_id: RowId, store: StoreDep, principal: PrincipalDep) -> DeliveryRead:
    """Return one delivery with its attempt log: when, status code or error, duration."""
    return delivery.get_delivery(store=store, delivery_id=delivery_id, principal=principal)


@router.post("/deliveries/{delivery_id}/requeue", response_model=DeliveryRead)
def requeue(
    delivery_id: RowId, store: StoreDep, principal: Annotated[Principal, Depends(require(*REGULATORS))]
) -> DeliveryRead:
    """Put a dead letter back in the queue for a fresh round of attempts (regulators only)."""
    return delivery.requeue_delivery(store=store, delivery_id=delivery_id, principal=principal)
