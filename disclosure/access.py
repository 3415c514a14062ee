"""Who may see and do what: the one module every staff path asks.

- clerk: the agencies where the user is a clerk;
- supervisor: those agencies and their whole subtrees, plus the annual reports;
- admin (role ``admin`` or a Django superuser): everything of the deployment.
Another agency's object is answered as missing (404), never as forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from disclosure.models import Agency, StaffMembership, StaffRole, User


@dataclass(frozen=True, slots=True)
class StaffScope:
    """The agencies a user acts for. ``everything`` for deployment administrators."""

    everything: bool
    clerk_agency_ids: frozenset[int]
    supervised_paths: tuple[str, ...]

    @property
    def is_staff_of_anything(self) -> bool:
        return self.everything or bool(self.clerk_agency_ids or self.supervised_paths)

    def agency_q(self, field: str | None = "agency") -> Q:
        """A filter on the model's ``field`` foreign key to Agency (e.g. "agency",
        "request__agency"), or on Agency itself with ``field=None``."""
        if self.everything:
            return Q()
        id_lookup = f"{field}__id__in" if field else "id__in"
        path_lookup = f"{field}__path__startswith" if field else "path__startswith"
        q = Q(**{id_lookup: list(self.clerk_agency_ids)})
        for path in self.supervised_paths:
            q |= Q(**{path_lookup: path})
        return q

    def can_supervise(self, agency: Agency) -> bool:
        return self.everything or any(
            agency.path.startswith(path) for path in self.supervised_paths
        )

    def can_act_for(self, agency: Agency) -> bool:
        return agency.pk in self.clerk_agency_ids or self.can_supervise(agency)


NO_SCOPE = StaffScope(
    everything=False, clerk_agency_ids=frozenset(), supervised_paths=()
)


def staff_scope(user: User | None) -> StaffScope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    if user.is_superuser:
        return StaffScope(True, frozenset(), ())
    memberships = list(
        StaffMembership.objects.filter(user=user).values_list(
            "role", "agency_id", "agency__path"
        )
    )
    if any(role == StaffRole.ADMIN for role, _, _ in memberships):
        return StaffScope(True, frozenset(), ())
    clerk_ids = frozenset(
        agency_id for role, agency_id, _ in memberships if role == StaffRole.CLERK
    )
    paths = tuple(path for role, _, path in memberships if role == StaffRole.SUPERVISOR)
    return StaffScope(False, clerk_ids, paths)


def agencies_for_staff(user: User | None) -> QuerySet[Agency]:
    scope = staff_scope(user)
    if not scope.is_staff_of_anything:
        return Agency.objects.none()
    return Agency.objects.filter(scope.agency_q(None))


def supervised_agencies(user: User | None) -> QuerySet[Agency]:
    scope = staff_scope(user)
    if scope.everything:
        return Agency.objects.all()
    if not scope.supervised_paths:
        return Agency.objects.none()
    q = Q()
    for path in scope.supervised_paths:
        q |= Q(path__startswith=path)
    return Agency.objects.filter(q)


def is_supervisor(user: User | None) -> bool:
    scope = staff_scope(user)
    return scope.everything or bool(scope.supervised_paths)
