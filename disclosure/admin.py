"""Admin of the shared core: agencies, staff, the official calendar, proactive publications
and the annual statistics.

Staff users are ``is_staff`` but not superusers and hold no Django permission rows: what
they may see and do is decided by ``disclosure.access`` alone (``StaffAccessAdmin``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from disclosure.access import (
    StaffScope,
    agencies_for_staff,
    staff_scope,
    supervised_agencies,
)
from disclosure.admin_forms import (
    AgencyForm,
    CalendarLoadForm,
    form_add_application_error,
)
from disclosure.exceptions import ApplicationError
from disclosure.models import (
    STATISTIC_KEYS,
    Agency,
    AnnualStatistics,
    CalendarDay,
    CalendarYear,
    Channel,
    Publication,
    PublicationAttachment,
    PublicationPosting,
    StaffMembership,
    User,
)
from disclosure.publications import (
    publication_create,
    publication_is_late,
    publication_list_for_staff,
    publication_update,
)
from disclosure.selectors import calendar_get
from disclosure.services import agency_create, agency_update, calendar_years_load
from disclosure.statistics import statistics_set_many
from disclosure.uploads import ALLOWED_TYPES, size_in_words

Level = Literal["staff", "supervisor", "admin", "nobody"]


def request_scope(request: HttpRequest) -> StaffScope:
    """The user's scope, looked up once per request (the admin asks many times)."""
    scope = getattr(request, "_gongkai_scope", None)
    if scope is None:
        scope = staff_scope(request.user)
        request._gongkai_scope = scope  # type: ignore[attr-defined]
    return scope


def level_allows(level: Level, scope: StaffScope) -> bool:
    if level == "staff":
        return scope.is_staff_of_anything
    if level == "supervisor":
        return scope.everything or bool(scope.supervised_paths)
    if level == "admin":
        return scope.everything
    return False


def adopt(instance: models.Model, created: models.Model) -> None:
    """Make the admin's unsaved instance the row a service created, so Django's own
    "added" message, log entry and redirect point at it."""
    for field in instance._meta.concrete_fields:
        setattr(instance, field.attname, getattr(created, field.attname))
    instance._state.adding = False
    instance._state.db = created._state.db


class AgencyListFilter(admin.RelatedOnlyFieldListFilter):
    """Filter by agency, offering only the agencies of the rows the user can see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("机关")


class PageAwareChangeList(ChangeList):
    """A changelist that lets its admin work out per-page values (a calendar, a date
    comparison) once for the whole page instead of once per row."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        # Iterating fills the page queryset's cache, so the rows rendered are these.
        self.model_admin.prepare_page(request, list(self.result_list))


class StaffAccessAdmin(admin.ModelAdmin):
    """Permissions from ``disclosure.access`` rather than Django permission rows.

    ``agency_lookup`` is the path to the object's agency ("agency", "request__agency"),
    ``""`` for Agency itself, None for objects not bound to an agency. Rows of other
    agencies are not in the queryset, so their pages answer 404 like missing ones.
    A service's ApplicationError raised while saving is shown on the form's field.
    """

    agency_lookup: ClassVar[str | None] = "agency"
    # Links typed without a scheme are government sites, served over HTTPS.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    view_level: ClassVar[Level] = "staff"
    add_level: ClassVar[Level] = "nobody"
    change_level: ClassVar[Level] = "nobody"
    delete_level: ClassVar[Level] = "nobody"

    # --- permissions ---

    def _allows(self, request: HttpRequest, level: Level, obj: Any = None) -> bool:
        scope = request_scope(request)
        if not level_allows(level, scope):
            return False
        if obj is None or self.agency_lookup is None:
            return True
        agency = self.agency_of(obj)
        if agency is None:
            return True
        if level == "staff":
            return scope.everything or scope.can_act_for(agency)
        return scope.can_supervise(agency)

    def agency_of(self, obj: Any) -> Agency | None:
        if self.agency_lookup == "":
            return obj
        value = obj
        for part in (self.agency_lookup or "").split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(
            request, self.view_level, obj
        ) or self.has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, self.add_level)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, self.change_level, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allows(request, self.delete_level, obj)

    # --- scoping ---

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        if self.agency_lookup is None:
            return queryset
        scope = request_scope(request)
        if not scope.is_staff_of_anything:
            return queryset.none()
        return queryset.filter(scope.agency_q(self.agency_lookup or None))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            # Another agency's object is answered exactly like a missing one.
            raise Http404(_("未找到该记录。"))
        return obj

    def agency_choices(self, request: HttpRequest) -> models.QuerySet[Agency]:
        """The agencies the user may file objects under."""
        if self.change_level == "supervisor" or self.add_level == "supervisor":
            return supervised_agencies(request.user)
        return agencies_for_staff(request.user)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.related_model is Agency and self.agency_lookup == "agency":
            kwargs["queryset"] = self.agency_choices(request).order_by("path")
            kwargs.setdefault("label", _("机关"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("机关"), ordering="agency__code")
    def agency_code(self, obj: Any) -> str:
        agency = self.agency_of(obj)
        return agency.code if agency else "—"

    @admin.display(description=_("机关"))
    def agency_display(self, obj: Any) -> str:
        agency = self.agency_of(obj)
        return str(agency) if agency else "—"

    # --- an agency fixed once the object exists ---

    agency_fixed: ClassVar[bool] = False
    """The object stays with the agency it was filed under; its page shows the agency
    instead of offering a choice (the services take no new agency)."""

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.agency_fixed:
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": tuple(
                        "agency_display" if name == "agency" else name
                        for name in options["fields"]
                    ),
                },
            )
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is None or not self.agency_fixed:
            return readonly
        return (*readonly, "agency_display")

    # --- per-page values ---

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return PageAwareChangeList

    def prepare_page(self, request: HttpRequest, objects: list[Any]) -> None:
        """Hook: annotate the rows of one changelist page before they are rendered."""

    # --- service errors on the form ---

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            if request.method != "POST":
                raise
            # The failed save was rolled back with its transaction; render the same
            # submission again with the service's message on the field it names.
            request._gongkai_service_error = exc  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, "_gongkai_service_error", None)
        if error is None:
            return form_class

        class FormWithServiceError(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> Any:
                cleaned = super().clean()
                form_add_application_error(self, error)
                return cleaned

        return FormWithServiceError


class ParentAccessInline:
    """An inline that follows its parent admin's permissions (no permission rows)."""

    admin_site: admin.AdminSite
    parent_model: type[models.Model]
    read_only: ClassVar[bool] = False

    def _parent(self) -> StaffAccessAdmin:
        return self.admin_site.get_model_admin(self.parent_model)  # type: ignore[return-value]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._parent().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._parent().has_change_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._parent().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self.read_only and self._parent().has_change_permission(request, obj)


# --- agencies --------------------------------------------------------------------------


@admin.register(Agency)
class AgencyAdmin(StaffAccessAdmin):
    """机关: the tree by path; created and moved only through the agency services."""

    form = AgencyForm
    agency_lookup = ""
    add_level = "admin"
    change_level = "admin"
    list_display = (
        "tree_name",
        "code",
        "parent",
        "channels_display",
        "supplement_period_days",
        "letter_prefix",
    )
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    ordering = ("path",)
    readonly_fields = ("path_display",)
    fieldsets = (
        (None, {"fields": ("code", "name", "parent", "path_display")}),
        (
            _("办理设置"),
            {
                "fields": (
                    "accepted_channels",
                    "supplement_period_days",
                    "letter_prefix",
                )
            },
        ),
        (
            _("联系方式"),
            {"fields": ("address", "postcode", "phone", "email", "website")},
        ),
    )

    @admin.display(description=_("层级路径"))
    def path_display(self, agency: Agency) -> str:
        return agency.path or "—"

    @admin.display(description=_("机关名称"), ordering="path")
    def tree_name(self, agency: Agency) -> str:
        depth = max(agency.path.count("/") - 2, 0)
        return format_html(
            '<span style="padding-left:{}em">{}</span>', 1.5 * depth, agency.name
        )

    @admin.display(description=_("受理的申请方式"))
    def channels_display(self, agency: Agency) -> str:
        labels = [
            str(Channel(code).label)
            for code in agency.accepted_channels
            if code in Channel.values
        ]
        return "、".join(labels) if labels else str(_("不限"))

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = Agency.objects.order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Agency, form: AgencyForm, change: bool
    ) -> None:
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            agency_update(agency=obj, **changed)
        else:
            adopt(obj, agency_create(**form.cleaned_data))


# --- staff -----------------------------------------------------------------------------


class StaffMembershipInline(ParentAccessInline, admin.TabularInline):
    model = StaffMembership
    extra = 0
    fields = ("agency", "role")

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "agency":
            kwargs.update(label=_("机关"), queryset=Agency.objects.order_by("path"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class StaffUserAdmin(StaffAccessAdmin, UserAdmin):
    """工作人员: Django's user admin plus the display name and the agency memberships."""

    agency_lookup = None
    view_level = "admin"
    add_level = "admin"
    change_level = "admin"
    delete_level = "admin"
    inlines = (StaffMembershipInline,)
    list_display = ("username", "display_name", "email", "roles", "is_active")
    list_filter = ("is_active", "memberships__role", "memberships__agency")
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("个人信息"),
            {"fields": ("display_name", "first_name", "last_name", "email")},
        ),
        (
            _("权限"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).prefetch_related("memberships__agency")

    @admin.display(description=_("机关与角色"))
    def roles(self, user: User) -> str:
        return "；".join(
            f"{membership.agency.code} {membership.get_role_display()}"
            for membership in user.memberships.all()
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Role administrators manage staff but cannot hand out superuser status.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return (
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )


# --- the official calendar -------------------------------------------------------------


@admin.register(CalendarYear)
class CalendarYearAdmin(StaffAccessAdmin):
    """日历年份: official once the State Council notice is loaded (contract §3)."""

    agency_lookup = None
    list_display = ("year", "state", "notice", "loaded_by_display")
    list_filter = ("official",)
    change_list_template = "admin/disclosure/calendaryear/change_list.html"

    @admin.display(description=_("状态"), ordering="official")
    def state(self, year: CalendarYear) -> str:
        if year.official:
            return str(_("正式"))
        return format_html('<strong style="color:#b26a00">{}</strong>', _("暂定"))

    @admin.display(description=_("录入人"))
    def loaded_by_display(self, year: CalendarYear) -> str:
        return str(year.loaded_by) if year.loaded_by else "—"

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "load/",
                self.admin_site.admin_view(self.load_view),
                name="{}_{}_load".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "can_load_calendar": level_allows("admin", request_scope(request)),
        }
        return super().changelist_view(request, extra_context)

    def load_view(self, request: HttpRequest) -> HttpResponse:
        """录入新一年节假日安排: load a year's schedule and mark the year official."""
        if not level_allows("admin", request_scope(request)):
            raise PermissionDenied
        form = CalendarLoadForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                years = calendar_years_load(
                    rows=form.cleaned_data["schedule"],
                    notice=form.cleaned_data["notice"],
                    actor=request.user,
                )
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                self.message_user(
                    request,
                    _(
                        "已录入%(years)s年节假日安排并标记为正式；未办结申请的答复期限已重新计算。"
                    )
                    % {"years": "、".join(map(str, years))},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:disclosure_calendaryear_changelist")
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("录入新一年节假日安排"),
            "form": form,
            "submit_label": _("录入并标记为正式"),
            "cancel_url": reverse("admin:disclosure_calendaryear_changelist"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/gongkai/form_page.html", context)


@admin.register(CalendarDay)
class CalendarDayAdmin(StaffAccessAdmin):
    """节假日与调休: read-only; a year changes only by loading its notice."""

    agency_lookup = None
    list_display = ("day", "weekday", "kind", "name", "notice")
    list_filter = ("kind",)
    search_fields = ("name", "notice")
    date_hierarchy = "day"

    @admin.display(description=_("星期"))
    def weekday(self, day: CalendarDay) -> str:
        return "一二三四五六日"[day.day.weekday()]


# --- proactive publications ------------------------------------------------------------


class PublicationPostingInline(ParentAccessInline, admin.TabularInline):
    model = PublicationPosting
    extra = 0
    formfield_overrides = StaffAccessAdmin.formfield_overrides
    fields = ("channel", "posted_on", "url")


class PublicationAttachmentInline(ParentAccessInline, admin.TabularInline):
    """Attachments are published to anyone: the model's ``clean`` refuses a file that
    is not an allowed type by its content, or too large, naming the file and why."""

    model = PublicationAttachment
    extra = 0
    fields = ("title", "file")

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "file":
            field.widget.attrs["accept"] = ",".join(
                sorted({*ALLOWED_TYPES, *ALLOWED_TYPES.values(), ".jpeg"})
            )
            field.help_text = _(
                "PDF、PNG、JPEG、DOCX、XLSX或纯文本，不超过%(limit)s（按文件内容判断）。"
            ) % {"limit": size_in_words(settings.GONGKAI_MAX_ATTACHMENT_BYTES)}
        return field


PUBLICATION_FIELDS = (
    "reference",
    "title",
    "document_number",
    "category",
    "key_area",
    "issued_on",
    "published_on",
    "repealed_on",
    "summary",
)


@admin.register(Publication)
class PublicationAdmin(StaffAccessAdmin):
    """主动公开信息, with its postings (one per channel) and attachments."""

    add_level = "staff"
    change_level = "staff"
    delete_level = "supervisor"
    agency_fixed = True
    inlines = (PublicationPostingInline, PublicationAttachmentInline)
    list_display = (
        "reference",
        "title",
        "agency_code",
        "category",
        "issued_on",
        "published_on",
        "late_display",
        "repealed_on",
    )
    list_filter = ("category", "key_area", ("agency", AgencyListFilter))
    list_select_related = ("agency",)
    search_fields = ("reference", "title", "document_number")
    date_hierarchy = "published_on"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "agency",
                    "reference",
                    "title",
                    "document_number",
                    "category",
                    "key_area",
                )
            },
        ),
        (_("日期"), {"fields": ("issued_on", "published_on", "repealed_on")}),
        (None, {"fields": ("summary",)}),
    )

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Publication]:
        return publication_list_for_staff(actor=request.user)

    def prepare_page(self, request: HttpRequest, objects: list[Any]) -> None:
        calendar = calendar_get()
        for publication in objects:
            publication.gongkai_late = (
                None
                if publication.issued_on is None
                else publication_is_late(publication, calendar)
            )

    def save_model(
        self, request: HttpRequest, obj: Publication, form: Any, change: bool
    ) -> None:
        # The postings and attachments are saved by their inlines afterwards.
        fields = {
            name: form.cleaned_data[name]
            for name in PUBLICATION_FIELDS
            if name in form.cleaned_data
        }
        if change:
            changed = {
                name: fields[name] for name in form.changed_data if name in fields
            }
            publication_update(publication=obj, actor=request.user, **changed)
        else:
            adopt(
                obj,
                publication_create(
                    agency=form.cleaned_data["agency"], actor=request.user, **fields
                ),
            )

    @admin.display(description=_("第二十六条逾期"))
    def late_display(self, publication: Publication) -> str:
        late = getattr(publication, "gongkai_late", None)
        if late is None:
            return "—"
        if late:
            return format_html(
                '<strong style="color:#ba2121">{}</strong>', _("超过20个工作日")
            )
        return str(_("否"))


# --- annual statistics -----------------------------------------------------------------

TABLE2_FIELDS = (
    "licensing_decisions",
    "penalty_decisions",
    "coercion_decisions",
    "admin_fees_wan_yuan",
)
LEGACY_FIELDS = (
    "responses_total",
    "responses_leader_online_interviews",
    "staff_full_time",
    "staff_part_time",
    "fees_collected_yuan",
    "litigation_costs_yuan",
    "meetings",
    "trainees",
)


POSTING_FIELDS = tuple(key for key in STATISTIC_KEYS if key.startswith("postings_"))


@admin.register(AnnualStatistics)
class AnnualStatisticsAdmin(StaffAccessAdmin):
    """年度统计数据: one form per agency-year; each help text says where the figure goes."""

    view_level = "supervisor"
    add_level = "supervisor"
    change_level = "supervisor"
    delete_level = "admin"
    agency_fixed = True
    list_display = (
        "agency_code",
        "year",
        "licensing_decisions",
        "penalty_decisions",
        "coercion_decisions",
        "admin_fees_wan_yuan",
    )
    list_filter = ("year", ("agency", AgencyListFilter))
    list_select_related = ("agency",)
    fieldsets = (
        (None, {"fields": ("agency", "year")}),
        (
            _("表二 主动公开政府信息情况"),
            {
                "fields": TABLE2_FIELDS,
                "description": _("2021年格式年报表二的数字。空白表示未填写，按0计。"),
            },
        ),
        (
            _("旧版年报（2019年以前格式）"),
            {"fields": LEGACY_FIELDS},
        ),
        (
            _("旧版年报 各渠道公开条数"),
            {
                "fields": POSTING_FIELDS,
                "description": _("填写后代替系统按发布记录统计的该渠道条数。"),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = super().get_readonly_fields(request, obj)
        return (*readonly, "year") if obj is not None else readonly

    def save_model(
        self, request: HttpRequest, obj: AnnualStatistics, form: Any, change: bool
    ) -> None:
        keys = form.changed_data if change else STATISTIC_KEYS
        values = {key: form.cleaned_data[key] for key in keys if key in STATISTIC_KEYS}
        adopt(
            obj,
            statistics_set_many(agency=obj.agency, year=obj.year, values=values),
        )
