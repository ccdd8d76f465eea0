"""The teams' tables (rooms/ledger, migration 0014): an agency's or a region's team, its members and missions, the
activities it reports, its plans and their corrections."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db.base import Base, UTCDateTime


class TeamRow(Base):
    """An agency or regional team that owns missions and activities and reports figures against its plans."""

    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TeamMemberRow(Base):
    __tablename__ = "team_members"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)

    __table_args__ = (Index("ix_team_members_user", "user_id"),)


class TeamMissionRow(Base):
    """A mission the team counts, as lead partner or partner; at most one lead partner per mission."""

    __tablename__ = "team_missions"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    mission_id: Mapped[int] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))

    __table_args__ = (
        Index("ix_team_missions_mission", "mission_id"),
        Index("uq_team_missions_lead_partner", "mission_id", unique=True,
              sqlite_where=text("role = 'lead_partner'"), postgresql_where=text("role = 'lead_partner'")),
    )


class TeamActivityRow(Base):
    """Something the team did outside a mission: an information session, a company visit, a partner scan, a
    registered service (`count` alike ones on one line)."""

    __tablename__ = "team_activities"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    on_date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(Integer)
    company: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_team_activities_team_on", "team_id", "on_date"),)


class TeamPlanRow(Base):
    """A plan for one figure over one period (first_year = last_year: the annual plan); NULL low/high: "not
    defined"."""

    __tablename__ = "team_plans"
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    figure: Mapped[str] = mapped_column(String(32), primary_key=True)
    first_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    low: Mapped[int | None] = mapped_column(Integer)
    high: Mapped[int | None] = mapped_column(Integer)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TeamCorrectionRow(Base):
    """A logged manual correction to one realised figure of one year; rows are only ever added."""

    __tablename__ = "team_corrections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    figure: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(120))  # kept: the log still says who after an account goes
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_team_corrections_team", "team_id", "year"),)
