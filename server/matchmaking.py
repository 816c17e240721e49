"""Finding each other, end to end: rankings from what storage holds, and the actions
(send a request to mentors, accept, decline, take up an offer) with their notifications.

The rules are `domain.matching`'s; this module reads their inputs from SQL, writes the
outcome in one transaction together with the emails that tell about it, and is shared
by the pages, the JSON endpoint and the command line. Blocking functions (SQL): the
server calls them with `asyncio.to_thread`.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine

from collab import edits
from domain.matching import Ask, Match, Offer, Request, rank, why_not
from domain.skills import load_vocabulary, suggest_skills
from storage.accounts import User
from storage.database import write_transaction
from storage.mentoring_queries import (
    ProposalRow,
    answer_proposal,
    get_offer,
    get_proposal,
    insert_proposals,
    lock_request,
    set_request_state,
    user_in,
    waiting_mentors,
    withdraw_other_proposals,
)
from storage.mentorship_queries import (
    MentorshipRefused,
    NewCurriculum,
    NoFreePlace,
    Started,
    start_mentorship,
)
from storage.people import MentoringOffer, MentoringRequest
from storage.profile_queries import Person, candidates, get_person

from .notifications import notify


class MatchingRefused(ValueError):
    """An action that cannot be done; the message says why, for the person who tried."""


@dataclass(frozen=True)
class Ranking:
    matches: list[Match]
    user_ids: dict[str, int]  # email -> user id of everyone ranked

    def user_id(self, match: Match) -> int:
        return self.user_ids[match.person.email]


def request_text(request: MentoringRequest) -> str:
    """The words of a request that matching reads, in the order the form asks them."""
    parts = (request.goal, request.motivation, request.expectations, request.description)
    return "\n\n".join(part for part in parts if part.strip())


def ask_of_request(request: MentoringRequest, member_email: str) -> Request:
    return Request(
        member=member_email, text=request_text(request), skills=tuple(request.skills),
        formats=frozenset(request.formats), timezone=request.timezone, hours=request.hours,
    )  # fmt: skip


def ask_of_offer(offer: MentoringOffer, mentor_email: str) -> Offer:
    return Offer(
        mentor=mentor_email, text=f"{offer.title}\n\n{offer.text}", skills=tuple(offer.skills),
        formats=frozenset(offer.formats), timezone=offer.timezone, hours=offer.hours,
    )  # fmt: skip


def _skills_worth_reading(ask: Ask) -> list[str]:
    """The skills a candidate must have (or a related one) to be ranked at all."""
    vocab = load_vocabulary()
    wanted = list(ask.skills) or [s.skill for s in suggest_skills(ask.text, vocabulary=vocab)]
    if not wanted:
        return []
    return list(dict.fromkeys(wanted + [r for skill in wanted for r in vocab.related(skill)]))


def people_for(engine: Engine, ask: Ask, author_id: int | None) -> list[Person]:
    """Who could be ranked for `ask`, straight from SQL (not paused, with a fitting skill)."""
    side = "offers" if isinstance(ask, Request) else "seeks"
    return candidates(engine, side, _skills_worth_reading(ask), author_id)


def rank_ask(
    engine: Engine, ask: Ask, author_id: int | None = None, on: date | None = None
) -> Ranking:
    people = people_for(engine, ask, author_id)
    matches = rank(ask, [p.profile for p in people], on=on)
    return Ranking(matches, {p.profile.email: p.user_id for p in people})


# -- sending a request to mentors --------------------------------------------------------


def send_request(
    engine: Engine,
    request: MentoringRequest,
    member: User,
    mentor_ids: Sequence[int],
    message: str,
    site_url: str,
) -> list[int]:
    """Propose the member's open request to the chosen mentors; the proposals' ids.

    Only people the ranking proposes can be chosen: a paused or full mentor, or one
    who covers none of the skills, is refused with the reason. A request for a long
    mentorship goes to one mentor at a time; a short one to several at once.
    """
    assert request.id is not None and member.id is not None
    if not mentor_ids:
        raise MatchingRefused("Choose at least one mentor.")
    ask = ask_of_request(request, member.email)
    chosen = proposable_mentors(engine, ask, mentor_ids)
    with write_transaction(engine) as connection:
        locked = lock_request(connection, request.id)
        if locked is None or locked.state != "open":
            raise MatchingRefused("This request is no longer open.")
        waiting = waiting_mentors(connection, request.id)
        if request.kind == "long" and len(set(mentor_ids) | waiting) > 1:
            raise MatchingRefused(
                "A request for a long mentorship goes to one mentor at a time: wait for "
                "their answer, or ask for a short mentorship to ask several at once."
            )
        new_ids = insert_proposals(connection, request.id, [p.user_id for p in chosen], message)
        for person in chosen:
            mentor = _user(connection, person.user_id)
            notify(
                connection, "proposal", mentor, site_url=site_url, member=member,
                request=request, message=message, link=f"{site_url.rstrip('/')}/inbox",
            )  # fmt: skip
    return new_ids


def proposable_mentors(engine: Engine, ask: Request, mentor_ids: Sequence[int]) -> list[Person]:
    """The chosen mentors, each checked by the ranking's rule (`why_not`)."""
    chosen = []
    for mentor_id in dict.fromkeys(mentor_ids):
        person = get_person(engine, mentor_id)
        if person is None:
            raise MatchingRefused("There is no such mentor.")
        reason = why_not(ask, person.profile)
        if reason is not None:
            raise MatchingRefused(f"{person.profile.name} cannot be asked: {reason}.")
        chosen.append(person)
    return chosen


def _user(connection: Connection, user_id: int) -> User:
    user = user_in(connection, user_id)
    if user is None:
        raise MatchingRefused("That person has no account any more.")
    return user


# -- answering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    started: Started
    proposal: ProposalRow
    member: User
    mentor: User


def _new_curriculum(member: User, mentor: User) -> NewCurriculum:
    title = f"{member.name}'s curriculum"
    return NewCurriculum(
        doc_id=secrets.token_urlsafe(12),
        title=title,
        first_update=lambda: edits.new_curriculum_update(title, member.email, [mentor.email]),
    )


def accept(engine: Engine, proposal_id: int, mentor: User, note: str, site_url: str) -> Accepted:
    """The mentor accepts: the mentorship starts on the member's curriculum (made if they
    have none), the request is matched, the other mentors' proposals are withdrawn and
    the member is told. Refused when the mentor has no free place left, even when two
    acceptances race for it (see storage/mentorship_queries.py)."""
    with write_transaction(engine) as connection:
        proposal = _proposal_of(connection, proposal_id, mentor)
        member = _user(connection, proposal.member.user_id)
        request = lock_request(connection, proposal.request_id)
        if request is None or request.state != "open":
            raise MatchingRefused("This request has already found its mentor or was closed.")
        try:
            started = start_mentorship(
                connection, member_id=proposal.member.user_id, mentor_id=proposal.mentor.user_id,
                kind=request.kind, new_curriculum=_new_curriculum(member, mentor),
                request_id=request.id,
            )  # fmt: skip
        except NoFreePlace as full:
            raise MatchingRefused(
                f"You have no free mentee place left ({full.taken} of {full.capacity} taken), "
                "so this request stays open for other mentors. Raise your capacity on your "
                "profile, or end a mentorship, to accept it."
            ) from None
        except MentorshipRefused as refused:
            raise MatchingRefused(f"You cannot accept now: {refused}.") from None
        if not answer_proposal(connection, proposal_id, "accepted", note):
            raise MatchingRefused("This proposal was answered already.")
        set_request_state(connection, proposal.request_id, "matched", ("open",))
        withdraw_other_proposals(connection, proposal.request_id, proposal_id)
        notify(
            connection, "request_accepted", member, site_url=site_url, mentor=mentor,
            request=request, note=note,
            link=f"{site_url.rstrip('/')}/curricula/{started.doc_id}",
        )  # fmt: skip
    return Accepted(started, proposal, member, mentor)


def decline(engine: Engine, proposal_id: int, mentor: User, note: str, site_url: str) -> None:
    """The mentor declines with a note; the request stays open for other mentors."""
    with write_transaction(engine) as connection:
        proposal = _proposal_of(connection, proposal_id, mentor)
        if not answer_proposal(connection, proposal_id, "declined", note):
            raise MatchingRefused("This proposal was answered already.")
        member = _user(connection, proposal.member.user_id)
        notify(
            connection, "request_declined", member, site_url=site_url, mentor=mentor,
            goal=proposal.request_goal, note=note,
            link=f"{site_url.rstrip('/')}/requests/{proposal.request_id}",
        )  # fmt: skip


def _proposal_of(connection: Connection, proposal_id: int, mentor: User) -> ProposalRow:
    proposal = get_proposal(connection, proposal_id, lock=True)
    if proposal is None or proposal.mentor.user_id != mentor.id:
        raise LookupError(proposal_id)
    if proposal.state != "proposed":
        raise MatchingRefused(f"This proposal was {proposal.state} already.")
    return proposal


def take_offer(engine: Engine, offer_id: int, member: User, site_url: str) -> Started:
    """A member takes up an open offer: a short mentorship starts at once, if the mentor
    has a free place (the same rule and lock as accepting)."""
    assert member.id is not None
    with write_transaction(engine) as connection:
        offer = get_offer(connection, offer_id, lock=True)
        if offer is None:
            raise LookupError(offer_id)
        if offer.state != "open":
            raise MatchingRefused("This offer is closed.")
        mentor = _user(connection, offer.mentor_id)
        try:
            started = start_mentorship(
                connection, member_id=member.id, mentor_id=offer.mentor_id, kind="short",
                new_curriculum=_new_curriculum(member, mentor), offer_id=offer.id,
            )  # fmt: skip
        except NoFreePlace as full:
            raise MatchingRefused(
                f"{mentor.name} has no free mentee place left ({full.taken} of "
                f"{full.capacity} taken). Try again later, or write a request."
            ) from None
        except MentorshipRefused as refused:
            raise MatchingRefused(f"{mentor.name} cannot take this up now: {refused}.") from None
        if not started.already_mentoring:
            notify(
                connection, "offer_taken", mentor, site_url=site_url, member=member,
                offer=offer, link=f"{site_url.rstrip('/')}/curricula/{started.doc_id}",
            )  # fmt: skip
    return started
