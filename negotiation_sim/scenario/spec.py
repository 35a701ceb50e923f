"""The scenario file format: every key, its range, its default and what it means.

Sources for the defaults are in ``docs/model.md``; tariffs are in percent, money in $bn,
stockpiles in weeks.
"""

from __future__ import annotations

from negotiation_sim.config.schema import (
    Any_,
    Bool,
    Date,
    ListOf,
    MapOf,
    Num,
    Span,
    Str,
    Table,
)
from negotiation_sim.core import INSTRUMENTS

PCT_MAX = 1000.0
#: largest money value ($bn/yr; world GDP is about $110,000bn): sums and products of
#: such values stay far from float overflow, which larger ones reach silently
MONEY_MAX = 1_000_000.0

# Totals that bound what one scenario can make a server hold: memory grows with every
# firm (about 2.4 GB per million), and an upload must not take down a shared classroom
# or lab server. Each is far above the shipped scenarios (at most 330 firms, 15 groups,
# 3 governments, 196 rounds, 14 events) and ordinary research use (docs/model.md, 8.11).
MAX_TOTAL_FIRMS = 200_000
MAX_FIRM_GROUPS = 1_000
MAX_GOVERNMENTS = 50
MAX_EVENTS = 1_000
MAX_ROUNDS = 10_000
NAME_CHARS = 200
TEXT_CHARS = 10_000
EVENT_TYPES = (
    "meeting",
    "summit",
    "tariff_threat",
    "truce_expiry",
    "control_rule",
    "tariff_cut",
    "control_relief",
    "note",
)


RESOLVE = Table(
    doc="A government's private resolve, drawn per run from these ranges (docs/model.md, "
    "Resolve): the partner knows the ranges, not the draw.",
    fields={
        "cost_tolerance": Span(
            doc="Cumulative conflict cost ($bn of utility below the pre-dispute reference) "
            "this government bears before it seeks a settlement (Carlson 1995).",
            low=0,
            high=1e6,
            default=10.0,
        ),
        "audience_sensitivity": Span(
            doc="Multiplier on audience_cost: how much backing down costs at home (Fearon 1994).",
            low=0,
            high=100,
            default=1.0,
        ),
        "grievance": Span(
            doc="$bn per round this government loses while its demand is unmet and no deal "
            "is in force: its reason to press (Schelling 1966, compellence).",
            low=0,
            high=1e4,
            default=0.0,
        ),
    },
    default={},
)

DEMAND = Table(
    doc="What this government demands of its partner beyond tariffs (a purchase, a policy "
    "change): it accepts no lasting deal that does not meet it, and meeting it costs the "
    "partner.",
    fields={
        "label": Str(doc="Plain words for the demand.", default=""),
        "cost": Num(
            doc="$bn per round it costs the partner to meet the demand while a deal is in force.",
            low=0,
            high=1e4,
            default=0.0,
        ),
        "keep_measures": Bool(
            doc="When the partner meets the demand, this government keeps its measures in "
            "force to enforce it (a standstill that averts its threats) instead of removing "
            "them.",
            default=False,
        ),
    },
    default={},
)

META = Table(
    doc="Name, dates and length of the run.",
    fields={
        "name": Str(doc="Title shown in the app and reports.", max_length=NAME_CHARS),
        "description": Str(
            doc="One paragraph on what the scenario represents.",
            default="",
            max_length=TEXT_CHARS,
        ),
        "start_date": Date(doc="Calendar date of round 1."),
        "round_days": Num(doc="Days per round.", low=1, high=365, integer=True, default=7),
        "rounds": Num(doc="Default horizon in rounds.", low=1, high=MAX_ROUNDS, integer=True),
        "parties": ListOf(
            doc="The two negotiating governments (ids in [governments]).",
            item=Str(ident=True),
            min_items=2,
        ),
    },
)

ECONOMY = Table(
    doc="Parameters of the partial-equilibrium trade model (docs/model.md, section Details).",
    fields={
        "elasticity": Num(doc="Import-demand elasticity (epsilon).", low=0.0, high=20.0),
        "pass_through": Num(
            doc="Border pass-through of tariffs to importer prices.", low=0, high=1
        ),
        "retail_pass_through": Num(
            doc="Share of a tariff cost that importing retailers pass on to consumers.",
            low=0,
            high=1,
            default=0.5,
        ),
        "domestic_price_response": Num(
            doc="Share of the importer price rise that import-competing firms earn.",
            low=0,
            high=1,
            default=0.5,
        ),
        "max_tariff": Num(doc="Upper bound on any tariff (%).", low=0, high=PCT_MAX, default=250.0),
        "escalation_tariff_scale": Num(
            doc="Tariff (%) that counts as full escalation in the escalation index.",
            low=0,
            high=PCT_MAX,
            low_open=True,
            default=150.0,
        ),
        "reroute_cost": Num(
            doc="Cost of rerouting through a third country (% of value).", low=0, high=100
        ),
        "reroute_response": Num(
            doc="Speed at which diversion saturates per pp of tariff gap (1/pp).",
            low=0,
            high=10,
            default=0.05,
        ),
        "third_country_value_added": Num(
            doc="Share of rerouted value the third country keeps as value added.",
            low=0,
            high=1,
            default=0.1,
        ),
        "rare_earth_cut": ListOf(
            doc="Share of rare-earth supply withheld at control level 0..3.",
            item=Num(low=0, high=1),
            min_items=4,
        ),
        "chip_cut": ListOf(
            doc="Share of chip/software supply withheld at control level 0..3.",
            item=Num(low=0, high=1),
            min_items=4,
        ),
        "substitution_weeks": Num(
            doc="e-folding time (weeks) over which substitution erodes a control's bite.",
            low=0,
            high=10_000,
            low_open=True,
        ),
        "outage_ramp_weeks": Num(
            doc="Weeks after a stockpile runs out until output losses reach their full size.",
            low=0,
            high=520,
            low_open=True,
            default=3.0,
        ),
        "restock_rate": Num(
            doc="Stockpile weeks rebuilt per week while supply is not cut.",
            low=0,
            high=10,
            default=0.5,
        ),
        "precautionary_weeks": Num(
            doc="Extra stockpile weeks a firm targets after living through a cut.",
            low=0,
            high=520,
            default=4.0,
        ),
        "reroute_adaptation": Num(
            doc="Share of the gap to its rerouting capacity a firm closes per round.",
            low=0,
            high=1,
            default=0.1,
        ),
        "labour_share": Num(
            doc="Wages lost per $ of output lost to input outages under controls "
            "(welfare only; lost exports cost no wages).",
            low=0,
            high=1,
            default=0.2,
        ),
        "delivery_ratio": Num(
            doc="Share of promised purchases actually delivered.", low=0, high=1, default=0.57
        ),
        "purchase_premium": Num(
            doc="Buyer's cost per $ of committed purchases above its best alternative.",
            low=0,
            high=1,
            default=0.1,
        ),
    },
)

OUTCOME_RULES = Table(
    doc="Thresholds of the outcome classification (docs/model.md, Outcomes).",
    fields={
        "trade_war_escalation": Num(
            doc="Both escalation indices at or above this => trade war.", low=0, high=1
        ),
        "trade_war_rounds": Num(
            doc="Consecutive rounds above the threshold needed for trade war.",
            low=1,
            high=1000,
            integer=True,
            default=2,
        ),
    },
)

NEGOTIATION = Table(
    doc="The negotiation protocol.",
    fields={
        "truce_rounds": Num(doc="Length of a truce in rounds.", low=1, high=10_000, integer=True),
        "perception_noise": Num(
            doc="Chance a government misreads the partner's last move.", low=0, high=1, default=0.0
        ),
        "implementation_noise": Num(
            doc="Chance a government's move is replaced by a random one.",
            low=0,
            high=1,
            default=0.0,
        ),
        "deal_break_hazard": Num(
            doc="Chance per round that a deal in force breaks for outside reasons.",
            low=0,
            high=1,
            default=0.0,
        ),
        "reservation_lookahead": Num(
            doc="Rounds ahead at which the no-deal path is valued (reservation value).",
            low=0,
            high=520,
            integer=True,
            default=4,
        ),
        "max_purchases": Num(
            doc="Largest purchase commitment a package can hold ($bn/yr).",
            low=0,
            high=10_000,
            default=0.0,
        ),
        "buyer": Str(doc="Government that makes purchase commitments.", ident=True, default=""),
        "purchase_sector": Str(doc="Sector of the seller's firms that gain.", default=""),
        "initial_truce": Bool(doc="A truce is in force at round 1.", default=False),
        "discount": Num(
            doc="Per-round discount factor with which a deal's lasting value is weighed "
            "against one-off terms (meeting bonuses, face costs): one-off terms count "
            "(1 - discount) as much as a per-round gain.",
            low=0,
            high=1,
            low_open=True,
            default=0.98,
        ),
        "audience_cap": Num(
            doc="Rounds of public standoff beyond which the audience cost grows no further.",
            low=1,
            high=10_000,
            integer=True,
            default=12,
        ),
        "offer_rounds": Num(
            doc="Rounds an offer stands: it can still be accepted this many rounds after it "
            "was made, e.g. the round after an escalation.",
            low=1,
            high=52,
            integer=True,
            default=2,
        ),
        "extension_window": Num(
            doc="Rounds before a truce expires in which it may be extended by mutual consent.",
            low=0,
            high=52,
            integer=True,
            default=2,
        ),
        "comprehensive_tolerance": Num(
            doc="A package within this many pp of both tariff floors, with no controls, "
            "is a comprehensive deal; otherwise a partial one.",
            low=0,
            high=PCT_MAX,
            default=1.0,
        ),
    },
)

GOVERNMENT = Table(
    doc="A government: its instruments, starting policy, strategy and political weights.",
    fields={
        "name": Str(doc="Display name.", max_length=NAME_CHARS),
        "strategy": Str(
            doc="Strategy class name (see `negotiation-sim list`).", default="AlwaysHold"
        ),
        "strategy_params": Any_(doc="Parameters passed to the strategy.", default={}),
        "instruments": ListOf(
            doc="Instruments this government can move.", item=Str(choices=INSTRUMENTS), default=[]
        ),
        "tariffs": MapOf(
            doc="Average tariff (%) on each partner's goods.",
            item=Num(low=0, high=PCT_MAX),
            default={},
            max_items=MAX_GOVERNMENTS,
        ),
        "sector_tariffs": MapOf(
            doc="Per partner, per sector tariffs (%) that replace the average.",
            item=MapOf(item=Num(low=0, high=PCT_MAX), max_items=MAX_FIRM_GROUPS),
            default={},
            max_items=MAX_GOVERNMENTS,
        ),
        "reference_tariffs": MapOf(
            doc="Tariff (%) each partner's goods faced in the reference year of the trade values.",
            item=Num(low=0, high=PCT_MAX),
            default={},
            max_items=MAX_GOVERNMENTS,
        ),
        "tariff_floor": Num(
            doc="Tariff (%) on the partner that a full deal returns to.",
            low=0,
            high=PCT_MAX,
            default=0.0,
        ),
        "tariff_step": Num(
            doc="Tariff change (pp) of one escalation or concession.",
            low=0,
            high=PCT_MAX,
            low_open=True,
            default=10.0,
        ),
        "controls": MapOf(
            doc="Starting export-control level 0..3 per control instrument.",
            item=Num(low=0, high=3, integer=True),
            default={},
        ),
        "lobby_weight": Num(
            doc="Extra weight on organised firms' profits (Grossman-Helpman).",
            low=0,
            high=100,
            default=0.0,
        ),
        "audience_cost": Num(
            doc="$bn cost per round of public standoff when backing down (Fearon).",
            low=0,
            high=10_000,
            default=0.0,
        ),
        "public_threat": Bool(doc="Has made a public threat before round 1.", default=False),
        "coercion_weight": Num(
            doc="Weight on the partner's welfare loss (value of leverage).",
            low=0,
            high=10,
            default=0.0,
        ),
        "deal_value": Num(
            doc="$bn per round of political value while a deal is in force.",
            low=0,
            high=10_000,
            default=0.0,
        ),
        "resolve": RESOLVE,
        "grievance_from": Date(
            doc="Date from which the grievance in resolve counts (a report, a declared "
            "investigation); before it the government has no reason to press. "
            "Omitted: from round 1.",
            default=None,
        ),
        "demand": DEMAND,
        "transship_enforcement": Num(
            doc="Third country only: share of rerouting blocked by rules-of-origin checks.",
            low=0,
            high=1,
            default=0.0,
        ),
    },
)

FIRM_GROUP = Table(
    doc="A sector-level firm specification; firms are drawn from it with the model's seed.",
    fields={
        "country": Str(doc="Home country (government id).", ident=True),
        "sector": Str(doc="Sector id; tariffs apply by sector.", ident=True),
        "partner": Str(doc="Country of the firms' foreign market and suppliers.", ident=True),
        "count": Num(
            doc=f"Number of firms (at most {MAX_TOTAL_FIRMS:,} in all groups together).",
            low=0,
            high=MAX_TOTAL_FIRMS,
            integer=True,
        ),
        "revenue": Num(
            doc="Total annual revenue of the group ($bn/yr).",
            low=0,
            low_open=True,
            high=MONEY_MAX,
        ),
        "size_sigma": Num(doc="Log-normal dispersion of firm sizes.", low=0, high=5, default=1.0),
        "margin": Span(doc="Profit margin on sales.", low=0, high=1),
        "exports": Num(
            doc="Annual exports to the partner ($bn/yr).", low=0, high=MONEY_MAX, default=0.0
        ),
        "export_spread": Span(
            doc="Relative export intensity drawn per firm (scaled to `exports`).",
            low=0,
            high=1000,
            default=[0.5, 1.5],
        ),
        "imports": Num(
            doc="Annual imports from the partner in this sector ($bn/yr) used as inputs.",
            low=0,
            high=MONEY_MAX,
            default=0.0,
        ),
        "import_competing": Num(
            doc="Annual sales competing with the partner's imports ($bn/yr).",
            low=0,
            high=MONEY_MAX,
            default=0.0,
        ),
        "rare_earth_dependence": Span(
            doc="Share of output that stops without rare-earth inputs.", low=0, high=1, default=0.0
        ),
        "stockpile_weeks": Span(
            doc="Rare-earth stockpile in weeks of use.", low=0, high=520, default=0.0
        ),
        "tech_dependence": Span(
            doc="Share of output that needs the partner's chips or software.",
            low=0,
            high=1,
            default=0.0,
        ),
        "tech_exports": Num(
            doc="Annual sales of controlled chips/software to the partner ($bn/yr).",
            low=0,
            high=MONEY_MAX,
            default=0.0,
        ),
        "rare_earth_exports": Num(
            doc="Annual rare-earth exports to the partner ($bn/yr).",
            low=0,
            high=MONEY_MAX,
            default=0.0,
        ),
        "reroute_capacity": Span(
            doc="Share of lost exports a firm can reroute via third countries.",
            low=0,
            high=1,
            default=0.0,
        ),
        "political_weight": Num(
            doc="Political weight of the group's lobby (1 = average).", low=0, high=100, default=1.0
        ),
    },
)

EVENT = Table(
    doc="A dated event of the scenario calendar.",
    fields={
        "date": Date(doc="Calendar date; it fires at the start of the round holding it."),
        "type": Str(doc="Event type.", choices=EVENT_TYPES),
        "label": Str(doc="Short text shown on charts.", max_length=NAME_CHARS),
        "government": Str(doc="Acting government (threats, rules).", ident=True, default=""),
        "increase": Num(doc="Tariff increase (pp) of a threat.", low=0, high=PCT_MAX, default=0.0),
        "decrease": Num(
            doc="Tariff cut (pp) of a scheduled cut (tariff_cut), never below the floor.",
            low=0,
            high=PCT_MAX,
            default=0.0,
        ),
        "snapback": Num(
            doc="Tariff increase (pp) at truce expiry.", low=0, high=PCT_MAX, default=0.0
        ),
        "instrument": Str(
            doc="Control instrument of a rule.", choices=INSTRUMENTS, default="tariff"
        ),
        "level": Num(
            doc="Control level a rule imposes (control_rule: at least; control_relief: at most).",
            low=0,
            high=3,
            integer=True,
            default=0,
        ),
        "unless_deal": Bool(
            doc="Skip the event if a deal struck during the run is in force.", default=True
        ),
        "deal_bonus": Num(
            doc="$bn added to both sides' valuation of a deal struck this round.",
            low=0,
            high=10_000,
            default=0.0,
        ),
        "deadline": Bool(doc="Counts as a deadline for deadline strategies.", default=False),
        "talks": Bool(
            doc="A meeting or summit at which the two sides negotiate: each side that holds "
            "this round also tables its packages (as a conceding side does).",
            default=False,
        ),
    },
)

SCENARIO = Table(
    doc="A negotiation-sim scenario.",
    fields={
        "scenario": META,
        "economy": ECONOMY,
        "outcomes": OUTCOME_RULES,
        "negotiation": NEGOTIATION,
        "governments": MapOf(item=GOVERNMENT, min_items=2, max_items=MAX_GOVERNMENTS),
        "firms": MapOf(item=FIRM_GROUP, default={}, max_items=MAX_FIRM_GROUPS),
        "calendar": ListOf(item=EVENT, default=[], max_items=MAX_EVENTS),
    },
)
