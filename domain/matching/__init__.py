"""Matching people: profiles, requests and offers, and one explainable ranking for both.

    from domain.matching import Request, profile_from_dict, rank

See docs/matching.md.
"""

from domain.matching.hours import InvalidTimeZone, check_timezone, overlap_hours
from domain.matching.people import (
    FORMATS,
    LEVELS,
    Ask,
    InvalidProfile,
    Offer,
    OfferedSkill,
    Profile,
    Request,
    offer_from_dict,
    profile_from_dict,
    request_from_dict,
)
from domain.matching.ranking import WEIGHTS, Match, rank, why_not

__all__ = [
    "FORMATS",
    "LEVELS",
    "WEIGHTS",
    "Ask",
    "InvalidProfile",
    "InvalidTimeZone",
    "Match",
    "Offer",
    "OfferedSkill",
    "Profile",
    "Request",
    "check_timezone",
    "offer_from_dict",
    "overlap_hours",
    "profile_from_dict",
    "rank",
    "request_from_dict",
    "why_not",
]
