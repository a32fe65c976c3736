"""Facilitation requests, their audit trail, thread, files, funding channels and referrals."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engagement import clock
from engagement.auth.models import Organisation, User
from engagement.db import LabelledEnum, TimestampMixin, enum_type
from engagement.directory.models import City, Sector, StartupStage
from engagement.extensions import db

__all__ = [
    "Sphere",
    "RequestState",
    "ResolutionOutcome",
    "Currency",
    "EventKind",
    "ChannelKind",
    "ReferralOutcome",
    "FacilitationRequest",
    "RequestEvent",
    "RequestMessage",
    "RequestAttachment",
    "FundingChannel",
    "Referral",
    "FacilitationStaff",
    "SphereHandler",
    "funding_channel_sector",
    "FundingChannelStage",
]


class Sphere(enum.StrEnum):
    """PSEB's facilitation initiatives."""

    MARKETING = "marketing"
    INFRASTRUCTURE = "infrastructure"
    CAPITAL_AVAILABILITY = "capital_availability"
    POLICY_CONSULTING = "policy_consulting"
    HR = "hr"
    BUSINESS_DEVELOPMENT = "business_development"

    @property
    def label(self) -> str:
        return SPHERE_LABELS[self]


SPHERE_LABELS = {
    Sphere.MARKETING: _l("Marketing"),
    Sphere.INFRASTRUCTURE: _l("Infrastructure (office space)"),
    Sphere.CAPITAL_AVAILABILITY: _l("Capital availability (funding)"),
    Sphere.POLICY_CONSULTING: _l("Policy and consulting"),
    Sphere.HR: _l("HR"),
    Sphere.BUSINESS_DEVELOPMENT: _l("Business development"),
}


class RequestState(LabelledEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_INFORMATION = "needs_information"
    REFERRED = "referred"
    RESOLVED = "resolved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:  # type: ignore[override]
        return STATE_LABELS[self]

    @property
    def now_sentence(self) -> str:
        """What a person is told after a move: "The request now needs more information."."""
        return STATE_NOW_SENTENCES[self]

    @property
    def condition(self) -> str:
        """The state as a predicate: "A request that {condition} cannot ..."."""
        return STATE_CONDITIONS[self]


#: What people read for each state (the stored value stays the enum's value).
STATE_LABELS = {
    RequestState.DRAFT: _l("Draft"),
    RequestState.SUBMITTED: _l("Submitted"),
    RequestState.IN_REVIEW: _l("In review"),
    RequestState.NEEDS_INFORMATION: _l("Needs information"),
    RequestState.REFERRED: _l("Referred"),
    RequestState.RESOLVED: _l("Resolved"),
    RequestState.DECLINED: _l("Declined"),
    RequestState.WITHDRAWN: _l("Withdrawn"),
}

STATE_NOW_SENTENCES = {
    RequestState.DRAFT: _l("The request is a draft again."),
    RequestState.SUBMITTED: _l("The request was submitted."),
    RequestState.IN_REVIEW: _l("The request is now in review."),
    RequestState.NEEDS_INFORMATION: _l("The request now needs more information."),
    RequestState.REFERRED: _l("The request was referred to a funding channel."),
    RequestState.RESOLVED: _l("The request is resolved."),
    RequestState.DECLINED: _l("The request was declined."),
    RequestState.WITHDRAWN: _l("The request was withdrawn."),
}

STATE_CONDITIONS = {
    RequestState.DRAFT: _l("is still a draft"),
    RequestState.SUBMITTED: _l("is submitted but not yet in review"),
    RequestState.IN_REVIEW: _l("is in review"),
    RequestState.NEEDS_INFORMATION: _l("is waiting for more information"),
    RequestState.REFERRED: _l("is referred"),
    RequestState.RESOLVED: _l("is resolved"),
    RequestState.DECLINED: _l("was declined"),
    RequestState.WITHDRAWN: _l("was withdrawn"),
}


#: States in which nothing more happens to a request.
CLOSED_STATES = frozenset({RequestState.RESOLVED, RequestState.DECLINED, RequestState.WITHDRAWN})


class ResolutionOutcome(LabelledEnum):
    FUNDED = "funded"
    INTRODUCED = "introduced"
    SPACE_ALLOCATED = "space_allocated"
    ADVICE_GIVEN = "advice_given"
    OTHER = "other"

    @property
    def label(self) -> str:  # type: ignore[override]
        return OUTCOME_LABELS[self]

    @property
    def english_label(self) -> str:
        """The label in English, for audit text kept in the database."""
        return LabelledEnum.label.fget(self)  # type: ignore[attr-defined,no-any-return]


OUTCOME_LABELS = {
    ResolutionOutcome.FUNDED: _l("Funded"),
    ResolutionOutcome.INTRODUCED: _l("Introduced"),
    ResolutionOutcome.SPACE_ALLOCATED: _l("Space allocated"),
    ResolutionOutcome.ADVICE_GIVEN: _l("Advice given"),
    ResolutionOutcome.OTHER: _l("Other"),
}


class Currency(enum.StrEnum):
    PKR = "PKR"
    USD = "USD"


class EventKind(enum.StrEnum):
    """What an audit row records."""

    STATE = "state"
    ASSIGNMENT = "assignment"
    REFERRAL = "referral"


class ChannelKind(enum.StrEnum):
    INVESTOR = "investor"
    VC = "vc"
    ANGEL_NETWORK = "angel_network"
    BANK = "bank"
    GOVERNMENT = "government"
    DONOR = "donor"
    ACCELERATOR = "accelerator"
    #: Named by staff while referring, when the channel was not in the registry yet.
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "investor": _l("Investor"),
            "vc": _l("Venture capital fund"),
            "angel_network": _l("Angel network"),
            "bank": _l("Bank"),
            "government": _l("Government programme"),
            "donor": _l("Donor programme"),
            "accelerator": _l("Accelerator"),
            "other": _l("Other"),
        }[self.value]


class ReferralOutcome(LabelledEnum):
    PENDING = "pending"
    IN_DISCUSSION = "in_discussion"
    FUNDED = "funded"
    NOT_A_FIT = "not_a_fit"
    NO_RESPONSE = "no_response"

    @property
    def label(self) -> str:  # type: ignore[override]
        return REFERRAL_OUTCOME_LABELS[self]


REFERRAL_OUTCOME_LABELS = {
    ReferralOutcome.PENDING: _l("Pending"),
    ReferralOutcome.IN_DISCUSSION: _l("In discussion"),
    ReferralOutcome.FUNDED: _l("Funded"),
    ReferralOutcome.NOT_A_FIT: _l("Not a fit"),
    ReferralOutcome.NO_RESPONSE: _l("No response"),
}


class FacilitationRequest(TimestampMixin, db.Model):
    """A startup's request for PSEB's help in one sphere."""

    __tablename__ = "facilitation_request"
    __table_args__ = (
        # The staff queue's sorts (services.SORTS) walk these instead of sorting the whole table.
        # ("due" leads with "awaiting a first response?", then uses the due-time index's order.)
        sa.Index("ix_facilitation_request_due_sort", "first_response_due_at", "id"),
        sa.Index("ix_facilitation_request_submitted_sort", "submitted_at", "id"),
        sa.Index("ix_facilitation_request_updated_sort", "updated_at", "id"),
        sa.CheckConstraint("amount_sought IS NULL OR amount_sought > 0", name="amount_positive"),
        sa.CheckConstraint(
            "amount_sought IS NULL OR currency IS NOT NULL", name="amount_has_currency"
        ),
        sa.CheckConstraint("seats_needed IS NULL OR seats_needed > 0", name="seats_positive"),
        # A discarded draft is withdrawn without ever being submitted.
        sa.CheckConstraint(
            "state IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL", name="submitted_at_set"
        ),
        sa.CheckConstraint(
            "submitted_at IS NULL OR first_response_due_at IS NOT NULL", name="due_at_set"
        ),
        sa.CheckConstraint("state <> 'resolved' OR outcome IS NOT NULL", name="resolved_outcome"),
        sa.CheckConstraint(
            "state <> 'declined' OR decline_reason IS NOT NULL", name="declined_reason"
        ),
        sa.CheckConstraint(
            "(state IN ('resolved', 'declined', 'withdrawn')) = (closed_at IS NOT NULL)",
            name="closed_at_iff_closed",
        ),
        sa.Index("ix_facilitation_request_state_due", "state", "first_response_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The startup's organisation: every member may read and act as the owner.
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    sphere: Mapped[Sphere] = mapped_column(enum_type(Sphere, "facilitation_sphere"), index=True)
    state: Mapped[RequestState] = mapped_column(
        enum_type(RequestState, "facilitation_state"), default=RequestState.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    details: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: Where the startup is (or wants space); filters by city and province use it.
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("city.id"), index=True)
    #: Sector used to rank funding channels (defaults to the startup's first sector).
    sector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sector.id"), index=True)
    # Capital availability
    stage: Mapped[StartupStage | None] = mapped_column(
        enum_type(StartupStage, "facilitation_stage")
    )
    amount_sought: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    currency: Mapped[Currency | None] = mapped_column(enum_type(Currency, "facilitation_currency"))
    use_of_funds: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    traction: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Infrastructure
    seats_needed: Mapped[int | None]
    needed_from: Mapped[date | None] = mapped_column(sa.Date)
    # Workflow
    submitted_at: Mapped[datetime | None]
    #: End of the SLA for the first staff response (working days, PK holidays excluded).
    first_response_due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    #: When the request last entered needs_information (the reminder counts from here).
    needs_information_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    outcome: Mapped[ResolutionOutcome | None] = mapped_column(
        enum_type(ResolutionOutcome, "facilitation_outcome")
    )
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    city: Mapped[City | None] = relationship()
    sector: Mapped[Sector | None] = relationship()
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", order_by="RequestEvent.id"
    )
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request", order_by="RequestMessage.id"
    )
    attachments: Mapped[list[RequestAttachment]] = relationship(
        back_populates="request", order_by="RequestAttachment.id"
    )
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="request", order_by="Referral.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def is_overdue(self) -> bool:
        """The first response is late (no staff response and the due time has passed)."""
        return (
            self.first_response_at is None
            and self.first_response_due_at is not None
            and not self.is_closed
            and self.first_response_due_at < clock.now()
        )


class RequestEvent(db.Model):
    """One line of the audit trail: who moved the request, when, from, to, and why."""

    __tablename__ = "facilitation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("facilitation_request.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(
        enum_type(EventKind, "facilitation_event_kind"), default=EventKind.STATE
    )
    from_state: Mapped[RequestState | None] = mapped_column(
        enum_type(RequestState, "facilitation_event_from")
    )
    to_state: Mapped[RequestState] = mapped_column(enum_type(RequestState, "facilitation_event_to"))
    #: Shown to the startup: staff write it knowing that (internal notes go in the thread).
    comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.now(), index=True)

    request: Mapped[FacilitationRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class RequestMessage(db.Model):
    """A message in a request's thread; ``internal`` ones are staff-only notes."""

    __tablename__ = "facilitation_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("facilitation_request.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    internal: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.now())

    request: Mapped[FacilitationRequest] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class RequestAttachment(db.Model):
    """A file attached to a request, stored under the instance folder with a random name."""

    __tablename__ = "facilitation_attachment"
    __table_args__ = (sa.CheckConstraint("size_bytes > 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("facilitation_request.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    #: The uploader's file name, cleaned; only ever shown and used as the download name.
    original_name: Mapped[str] = mapped_column(sa.String(200))
    #: Random name on disk (no path parts).
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.now())

    request: Mapped[FacilitationRequest] = relationship(back_populates="attachments")
    uploaded_by: Mapped[User] = relationship()


funding_channel_sector = sa.Table(
    "funding_channel_sector",
    db.metadata,
    sa.Column(
        "funding_channel_id",
        sa.ForeignKey("funding_channel.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("sector_id", sa.ForeignKey("sector.id"), primary_key=True, index=True),
)


class FundingChannel(TimestampMixin, db.Model):
    """An investor, fund, network, bank, programme or accelerator PSEB can refer startups to."""

    __tablename__ = "funding_channel"
    __table_args__ = (
        sa.CheckConstraint("ticket_min IS NULL OR ticket_min >= 0", name="ticket_min_positive"),
        sa.CheckConstraint(
            "ticket_min IS NULL OR ticket_max IS NULL OR ticket_min <= ticket_max",
            name="ticket_range",
        ),
        sa.CheckConstraint(
            "(ticket_min IS NULL AND ticket_max IS NULL) OR currency IS NOT NULL",
            name="ticket_has_currency",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[ChannelKind] = mapped_column(enum_type(ChannelKind, "funding_channel_kind"))
    ticket_min: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    ticket_max: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    currency: Mapped[Currency | None] = mapped_column(
        enum_type(Currency, "funding_channel_currency")
    )
    contact_name: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: Retired channels stay (referrals point at them) but are no longer suggested.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    sectors: Mapped[list[Sector]] = relationship(
        secondary=funding_channel_sector, order_by=Sector.id
    )
    stage_rows: Mapped[list[FundingChannelStage]] = relationship(
        cascade="all, delete-orphan", order_by="FundingChannelStage.stage"
    )

    @property
    def stages(self) -> list[StartupStage]:
        order = list(StartupStage)
        return sorted((row.stage for row in self.stage_rows), key=order.index)


class FundingChannelStage(db.Model):
    """A stage a funding channel invests at."""

    __tablename__ = "funding_channel_stage"

    funding_channel_id: Mapped[int] = mapped_column(
        sa.ForeignKey("funding_channel.id", ondelete="CASCADE"), primary_key=True
    )
    stage: Mapped[StartupStage] = mapped_column(
        enum_type(StartupStage, "funding_channel_stage_value"), primary_key=True
    )


class Referral(db.Model):
    """Staff referred a request to a funding channel; the outcome is updated as it develops."""

    __tablename__ = "facilitation_referral"
    __table_args__ = (sa.UniqueConstraint("request_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("facilitation_request.id"), index=True)
    channel_id: Mapped[int] = mapped_column(sa.ForeignKey("funding_channel.id"), index=True)
    referred_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    referred_at: Mapped[datetime] = mapped_column(default=lambda: clock.now())
    outcome: Mapped[ReferralOutcome] = mapped_column(
        enum_type(ReferralOutcome, "facilitation_referral_outcome"),
        default=ReferralOutcome.PENDING,
    )
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    outcome_at: Mapped[datetime | None]

    request: Mapped[FacilitationRequest] = relationship(back_populates="referrals")
    channel: Mapped[FundingChannel] = relationship()
    referred_by: Mapped[User] = relationship()


class FacilitationStaff(db.Model):
    """Facilitation team settings of a staff user; supervisors receive SLA escalations."""

    __tablename__ = "facilitation_staff"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    supervisor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: The person this staff member reports to: their overdue requests are escalated to them
    #: (None: to the flagged supervisors and the admins).
    reports_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reports_to: Mapped[User | None] = relationship(foreign_keys=[reports_to_id])


class SphereHandler(db.Model):
    """A staff member who handles a sphere: new requests in it are announced to them.

    A sphere without handlers announces new requests to all staff.
    """

    __tablename__ = "facilitation_sphere_handler"

    sphere: Mapped[Sphere] = mapped_column(
        enum_type(Sphere, "facilitation_sphere_handler_sphere"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user: Mapped[User] = relationship()


#: The queue's default sort ("First response due", ``services.SORTS["due"]``) as one index, so
#: PostgreSQL reads the first page in order and stops, instead of joining and sorting every open
#: request (issue 13: 87 ms -> 0.4 ms at 20,000 requests). An expression index: PostgreSQL only
#: (migration b3f1c2d4e5a6); SQLite sorts its small tables.
DUE_SORT_INDEX = sa.Index(
    "ix_facilitation_request_due_first_sort",
    FacilitationRequest.__table__.c.first_response_at.is_not(None),
    FacilitationRequest.__table__.c.first_response_due_at,
    FacilitationRequest.__table__.c.id,
).ddl_if(dialect="postgresql")
