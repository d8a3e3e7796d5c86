"""The names of the US states and territories a listing can serve, in the reader's language
("Serves all of California"); translated like every interface string."""
from __future__ import annotations

from flask_babel import lazy_gettext as _  # lazy: read in each page's language

STATE_NAMES = {
    "AL": _("Alabama"), "AK": _("Alaska"), "AZ": _("Arizona"), "AR": _("Arkansas"), "CA": _("California"),
    "CO": _("Colorado"), "CT": _("Connecticut"), "DE": _("Delaware"), "DC": _("the District of Columbia"),
    "FL": _("Florida"), "GA": _("Georgia"), "HI": _("Hawaii"), "ID": _("Idaho"), "IL": _("Illinois"),
    "IN": _("Indiana"), "IA": _("Iowa"), "KS": _("Kansas"), "KY": _("Kentucky"), "LA": _("Louisiana"),
    "ME": _("Maine"), "MD": _("Maryland"), "MA": _("Massachusetts"), "MI": _("Michigan"), "MN": _("Minnesota"),
    "MS": _("Mississippi"), "MO": _("Missouri"), "MT": _("Montana"), "NE": _("Nebraska"), "NV": _("Nevada"),
    "NH": _("New Hampshire"), "NJ": _("New Jersey"), "NM": _("New Mexico"), "NY": _("New York"),
    "NC": _("North Carolina"), "ND": _("North Dakota"), "OH": _("Ohio"), "OK": _("Oklahoma"), "OR": _("Oregon"),
    "PA": _("Pennsylvania"), "RI": _("Rhode Island"), "SC": _("South Carolina"), "SD": _("South Dakota"),
    "TN": _("Tennessee"), "TX": _("Texas"), "UT": _("Utah"), "VT": _("Vermont"), "VA": _("Virginia"),
    "WA": _("Washington"), "WV": _("West Virginia"), "WI": _("Wisconsin"), "WY": _("Wyoming"),
    "AS": _("American Samoa"), "GU": _("Guam"), "MP": _("the Northern Mariana Islands"), "PR": _("Puerto Rico"),
    "VI": _("the US Virgin Islands"),
}
