"""Tables of reports, review and appeals (migration ``0010``).

- ``cases``: everything about one subject that waits for, or got, a human decision.
  ``open_key`` is set while a case is undecided and unique, so concurrent reports on
  one subject join one case; it is cleared when the case is decided (a later report
  opens a new case, which shows the old one as history). A claim is a conditional
  ``UPDATE`` on ``status``/``assignee``, so two moderators can never hold one case.
- ``reports``: what the public and trusted flaggers sent. Only a hash of the status
  token is kept, and the reporter's identity (key, contact, a keyed hash of the
  network address) never leaves the service towards the reported party.
- ``case_decisions``: a moderator's ruling on a case. For an item, the same id is also
  a row of ``decisions`` (the item's history); for an account, group or site the
  ruling is the decision.
- ``appeals``: a request to re-review a decision, reviewed in an appeal case by
  someone other than the original decider.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from wenming.store.metadata import Timestamp, metadata

cases = Table(
    "cases",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    # review: something reported or held; appeal: a decision to review again.
    Column("kind", String(16), nullable=False),
    Column("subject_kind", String(16), nullable=False),  # item | account | group | site
    Column("subject_ref", String(256), nullable=False),  # the platform's id, or the domain
    Column("item_id", ForeignKey("items.id"), nullable=True),
    Column("subject_id", ForeignKey("subjects.id"), nullable=True),
    Column("category", String(64), nullable=True),
    Column("severity", Integer, nullable=False),
    Column("source", String(16), nullable=False),
    Column("queue", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # open | claimed | decided
    Column("priority", Float, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("report_count", Integer, nullable=False),
    Column("assignee", String(200), nullable=True),
    Column("claimed_at", Timestamp, nullable=True),
    # Who may not take the case: an appeal's original decider.
    Column("excluded_actor", String(200), nullable=True),
    Column("appeal_of", Uuid, nullable=True),
    Column("decision_id", Uuid, nullable=True),
    Column("outcome", String(16), nullable=True),
    Column("open_key", String(400), nullable=True, unique=True),
    Column("opened_at", Timestamp, nullable=False),
    Column("due_at", Timestamp, nullable=False),
    Column("decided_at", Timestamp, nullable=True),
    Column("updated_at", Timestamp, nullable=False),
    Index(None, "status", "queue", "priority"),
    Index(None, "platform_id", "subject_kind", "subject_ref"),
    Index(None, "assignee", "status"),
    Index(None, "decision_id"),
)

reports = Table(
    "reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("category", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("source", String(16), nullable=False),  # public | flagger
    Column("reporter_key_id", ForeignKey("api_keys.id"), nullable=True),
    # A keyed hash of the key or network address: counts distinct reporters, names nobody.
    Column("reporter_hash", String(64), nullable=False),
    Column("contact", String(320), nullable=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("outcome", String(16), nullable=True),  # upheld | rejected, once decided
    Column("created_at", Timestamp, nullable=False),
    Column("resolved_at", Timestamp, nullable=True),
    Index(None, "case_id"),
    Index(None, "reporter_key_id", "created_at"),
)

case_decisions = Table(
    "case_decisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("category", String(64), nullable=True),
    Column("template", String(64), nullable=True),
    Column("note", Text, nullable=False),
    Column("statement", Text, nullable=False),
    Column("age_rating", String(8), nullable=False),
    Column("policy_version", String(128), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("actor_key_id", ForeignKey("api_keys.id"), nullable=True),
    # For appeal cases: upheld | overturned, and the decision that was appealed.
    Column("appeal_outcome", String(16), nullable=True),
    Column("reviews", Uuid, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "case_id"),
)

appeals = Table(
    "appeals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("platform_id", ForeignKey("platforms.id"), nullable=False),
    Column("decision_id", Uuid, nullable=False),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("appellant", String(16), nullable=False),  # affected | reporter | admin
    Column("appellant_key_id", ForeignKey("api_keys.id"), nullable=True),
    Column("report_id", ForeignKey("reports.id"), nullable=True),
    Column("status", String(16), nullable=False),  # open | decided
    Column("outcome", String(16), nullable=True),  # upheld | overturned
    Column("result_decision_id", Uuid, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("decided_at", Timestamp, nullable=True),
    Index(None, "decision_id"),
    Index(None, "case_id"),
)
