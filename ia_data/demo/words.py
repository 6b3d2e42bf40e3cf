"""What the demo's workbooks are written with: the parties, the sectors, the kinds of
activity (how each is titled, typed, tagged and what it costs), the names of people, and
the sentences of the answers, the organisers and the comments. ``sample`` draws on them."""

from __future__ import annotations

from dataclasses import dataclass

ORGANISATIONS = ("NHO", "LO", "NAV", "KS", "Virke", "Unio", "YS", "Spekter", "Akademikerne")
SECTORS = {  # the sector as written in the column → as written in a sentence
    "Helse og omsorg": "helse- og omsorgssektoren",
    "Bygg og anlegg": "bygg- og anleggsbransjen",
    "Transport": "transportbransjen",
    "Undervisning": "undervisningssektoren",
    "Industri": "industrien",
    "Varehandel": "varehandelen",
    "Offentlig forvaltning": "offentlig forvaltning",
    "Hotell og restaurant": "hotell- og restaurantbransjen",
}
# Rough size of each council's labour market, which the 2012–2014 grants follow.
SIZE = {
    "01": 280, "02": 570, "03": 620, "04": 195, "05": 187, "06": 270, "07": 240, "08": 170,
    "09": 112, "10": 175, "11": 440, "12": 500, "14": 108, "15": 260, "16": 300, "17": 134,
    "18": 238, "19": 160, "20": 74,
}  # fmt: skip
FIRST_NAMES = (
    "Anne", "Kari", "Ingrid", "Marit", "Hilde", "Silje", "Camilla", "Tone", "Randi", "Liv",
    "Nina", "Heidi", "Gunn", "Elin", "Ola", "Per", "Jon", "Lars", "Knut", "Terje", "Geir",
    "Morten", "Espen", "Tor", "Bjørn", "Svein", "Hans", "Trond", "Arild", "Siri",
)  # fmt: skip
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Bakken", "Solberg", "Moen", "Strand", "Lie", "Dahl", "Lund", "Aas", "Nygård", "Myhre",
    "Ødegård", "Brekke", "Sandvik", "Fossum",
)  # fmt: skip


@dataclass(frozen=True)
class Kind:
    """A kind of activity: how it is titled, typed, tagged and what it costs."""

    title: str  # may use {s} (sector phrase), {fylke} and {year}
    type: str
    goals: tuple[frozenset[int], ...]
    spellings: tuple[str, ...] = ()  # other ways a secretariat writes the type
    sector: str | None = "any"  # "any", a fixed sector, or None (no sector)
    participants: tuple[int, int] = (15, 40)
    cost: str = "mid"
    years: tuple[int, ...] = ()  # only in these years (empty = every year)
    weight: int = 2


def _g(*sets: tuple[int, ...] | int) -> tuple[frozenset[int], ...]:
    return tuple(frozenset(s if isinstance(s, tuple) else (s,)) for s in sets)


KINDS = (
    # Sub-goal 1: sickness absence
    Kind("Kurs i oppfølging av sykmeldte for ledere i {s}", "Kurs", _g(1), (), "any",
          (12, 30), "mid", weight=3),
    Kind("Sykefraværsseminar for {s}", "Seminar", _g(1), ("Samling",), "any", (20, 80)),
    Kind("Erfaringssamling om gradert sykmelding", "Erfaringssamling", _g(1), (), "any",
          (15, 40)),
    Kind("Nærværskonferanse i {fylke}", "Konferanse", _g(1, (1, 2)), ("IA-konferanse",),
          None, (80, 220), "high"),
    Kind("Bransjenettverk for {s}", "Nettverk", _g(1, (1, 2)), ("Bransjenettverk",), "any",
          (8, 25), "low", weight=3),
    Kind("Bransjenettverk bygg og anlegg", "Nettverk", _g(1), ("Bransjenettverk",),
          "Bygg og anlegg", (8, 20), "low"),
    Kind("Kurs i dialogmøter og oppfølgingsplaner", "Kurs", _g(1), (), "any", (15, 35)),
    Kind("Frokostmøte om sykefravær i {s}", "Informasjon", _g(1), ("Informasjonsmøte",),
          "any", (20, 60), "free"),
    Kind("Arbeidsmiljøkonferanse for {s}", "Konferanse", _g(1), ("Konferanse",), "any",
          (60, 160), "high"),
    Kind("Prosjekt: Friskere arbeidsplasser i {s}", "Prosjekt", _g(1), (), "any", (5, 15),
          "project"),
    # Sub-goal 2: reduced functional capacity
    Kind("Seminar om tilrettelegging for arbeidstakere med nedsatt funksjonsevne", "Seminar",
          _g(2), (), None, (20, 60)),
    Kind("Inkluderingskonferansen {year}", "Konferanse", _g(2, (1, 2)), ("IA-konferanse",),
          None, (80, 200), "high"),
    Kind("Nettverk for inkluderende rekruttering", "Nettverk", _g(2), (), "any", (8, 20),
          "low"),
    Kind("Kurs i bruk av tilretteleggingstilskudd", "Kurs", _g(2), (), None, (12, 30)),
    Kind("Erfaringssamling: unge med nedsatt funksjonsevne i arbeid", "Erfaringssamling",
          _g(2), (), None, (15, 40)),
    Kind("Dialogmøte med arbeidsgivere om rekruttering fra NAV", "Dialogmøte", _g(2), (),
          "any", (10, 30), "free"),
    # Sub-goal 3: a longer working life
    Kind("Seniorseminar for kommunene", "Seminar", _g(3), ("Samling",),
          "Offentlig forvaltning", (25, 70), weight=3),
    Kind("Seniorpolitisk konferanse", "Konferanse", _g(3), ("Seniorkonferanse",), None,
          (60, 180), "high"),
    Kind("Livsfasekurs for ledere", "Kurs", _g(3, (1, 3)), (), "any", (12, 30)),
    Kind("Nettverk for seniorpolitikk i {s}", "Nettverk", _g(3), ("Bransjenettverk",),
          "any", (8, 20), "low"),
    Kind("Erfaringssamling om seniortiltak", "Erfaringssamling", _g(3), (), "any", (15, 40)),
    # Several sub-goals
    Kind("IA-konferanse for {s}", "Konferanse", _g((1, 2, 3), (1, 3), (1, 2)),
          ("IA-konferanse",), "any", (60, 200), "high", weight=3),
    Kind("IA-konferansen i {fylke} {year}", "Konferanse", _g((1, 2, 3)),
          ("IA-konferanse",), None, (120, 300), "high"),
    Kind("Dialogmøte med NHO Service", "Dialogmøte", _g((1, 2)), (), None, (6, 15), "free"),
    Kind("Dialogmøte med KS om IA i kommunene", "Dialogmøte", _g((1, 2, 3), (1, 3)),
          ("Dialogkonferanse",), "Offentlig forvaltning", (15, 50), "low"),
    Kind("Informasjonsmøte om ny IA-avtale", "Informasjon", _g((1, 2, 3)),
          ("Informasjonsmøte",), None, (30, 120), "low", years=(2014,), weight=4),
    Kind("Prosjekt: Lederstøtte i IA-arbeidet", "Prosjekt", _g((1, 2)), (), None, (5, 20),
          "project"),
    Kind("Samling for IA-kontaktene i {s}", "Seminar", _g((1, 2, 3), (1, 2)), ("Samling",),
          "any", (15, 45)),
    Kind("Mediearbeid om IA-avtalen", "Informasjon", _g((1, 2, 3)), ("Mediearbeid",), None,
          (0, 0), "low", weight=1),
    Kind("Fagdag for tillitsvalgte og verneombud", "Kurs", _g((1, 2, 3), (1, 3)), (), "any",
          (25, 80)),
)  # fmt: skip

COST = {  # kroner before scaling to the period's spending
    "high": (35_000, 110_000),
    "mid": (8_000, 40_000),
    "low": (2_000, 15_000),
    "free": (1_000, 8_000),
    "project": (30_000, 140_000),
}

ANSWERS = (
    (
        "Partene i IA-rådet har arrangert en felles IA-konferanse for {s1}, med innledere fra "
        "både arbeidsgiver- og arbeidstakersiden.",
        "IA har vært fast tema på rådets møter, og partene har fulgt opp handlingsplanen for "
        "{year} i egne kanaler.",
        "NAV Arbeidslivssenter og partene har holdt felles dialogmøter med de største "
        "arbeidsgiverne i {fylke}.",
        "Rådet har hatt et felles innlegg i regionavisene om sykefravær og seniorpolitikk, og "
        "partene har stilt sammen på frokostmøter for ledere.",
        "Fylkesmannen, KS og NAV har sammen med partene holdt en samling for ordførere og "
        "rådmenn om IA i kommunene.",
        "Partene har delt ansvaret for tiltakene i handlingsplanen, slik at hver aktivitet har "
        "en ansvarlig part.",
        "Vi har et felles nyhetsbrev for IA-arbeidet i {fylke}, som sendes ut fire ganger i året.",
    ),
    (
        "Ja. Statistikken viser at {s1} ligger over landsgjennomsnittet for sykefravær i "
        "{fylke}, særlig blant kvinner over 50 år.",
        "Rådet har ikke gjort egne risikovurderinger, men bruker NAVs sykefraværsstatistikk per "
        "bransje og kommune i planleggingen.",
        "Gjennomgangen av statistikken viste høyt langtidsfravær i {s1} og mange små "
        "virksomheter uten samarbeidsavtale om IA.",
        "Ja, sammen med Fylkesmannen er det kartlagt at kommunene med høyest fravær også har "
        "lavest avgangsalder.",
        "Det er gjort en enkel risikovurdering som peker på lav sysselsetting blant unge med "
        "nedsatt funksjonsevne i {fylke}.",
        "Nei, ikke i denne perioden. Rådet gjør en ny vurdering når statistikken for {year} "
        "foreligger.",
    ),
    (
        "Ja, {s1} og {s2} har hatt egne bransjenettverk med jevnlige samlinger.",
        "Rådet har prioritert {s1}, der det er etablert et nettverk med {n} virksomheter.",
        "Ikke særskilt i denne perioden; aktivitetene har vært rettet mot alle bransjer.",
        "Ja, {s1}, fordi sektoren har høyt fravær og mange ansatte over 55 år.",
        "Det er gitt midler til en seniorsatsing i {s2} og til kurs for ledere i {s1}.",
    ),
    (
        "Det er gitt støtte til lederopplæring i de {n} største kommunene og til seniortiltak "
        "i helseforetaket.",
        "Rådet har rettet innsatsen mot virksomheter med høyt fravær og mange ansatte, blant "
        "annet gjennom dialogmøter med ledelse og tillitsvalgte.",
        "Vi har prioritert kommunene, som er fylkets største arbeidsgivere, med kurs i "
        "oppfølging av sykmeldte.",
        "NAV Arbeidslivssenter har fulgt opp de {n} virksomhetene med høyest fravær i {s1} "
        "med egne handlingsplaner.",
        "Tiltakene er samlet om noen få store arbeidsplasser, der effekten på fylkets tall blir "
        "størst.",
        "Det er startet et prosjekt om tilrettelegging for arbeidstakere med nedsatt "
        "funksjonsevne i {s2}.",
    ),
    (
        "Det er for tidlig å måle effekt på sykefraværet, men deltakerne gir gode "
        "tilbakemeldinger i evalueringene.",
        "Sykefraværet i {fylke} gikk ned fra {x1} til {x2} prosent, og vi mener tiltakene har "
        "bidratt.",
        "Nettverkene har gitt bedre samarbeid mellom partene lokalt; effekten på delmål 2 og 3 "
        "er vanskeligere å dokumentere.",
        "Virksomhetene som deltok i nettverket, har lavere fravær enn bransjen ellers i fylket.",
        "Rådet mener aktivitetene har gitt seniorpolitikken mer oppmerksomhet, men har ikke tall "
        "som viser effekt ennå.",
        "Effekten blir vurdert når statistikken for hele året foreligger.",
    ),
)
EXTRA_ANSWER = {  # (council, year) → (question index, sentence) that explains a situation
    ("IA-rådet i Hedmark", 2014): (
        2,
        "Seniortiltakene er utsatt til 2015, fordi rådet i år har prioritert sykefravær og "
        "inkludering.",
    ),
    ("IA-rådet i Nordland", 2015): (
        4,
        "Forbruket ble høyere enn tildelingen fordi IA-konferansen ble dyrere enn budsjettert.",
    ),
}
ORGANISERS = (
    "NAV Arbeidslivssenter", "NAV Arbeidslivssenter", "NAV Arbeidslivssenter", "IA-rådet",
    "Partene i IA-rådet", "NHO {fylke}", "LO {fylke}", "KS", "Fylkesmannen i {county}",
    "NAV Arbeidslivssenter og KS", "Virke", "Unio",
)  # fmt: skip
COMMENTS = (
    "Godt oppmøte", "Evaluering: 4,6 av 5", "Kostnad inkl. lokaleleie og servering",
    "Arrangert sammen med KS", "Deltakere fra {n} virksomheter", "Felles med nabofylket",
    "Foredragsholder fra STAMI", "Fulltegnet, venteliste",
)  # fmt: skip
CANCEL_COMMENTS = ("Avlyst pga. få påmeldte", "Avlyst, foredragsholder ble syk", "Utsatt")
MEETING_COMMENTS = (
    "Behandlet handlingsplan for {year}", "Godkjent rapport for forrige periode",
    "Fordeling av midler til tiltak", "Gjennomgang av sykefraværsstatistikken",
    "Planlegging av IA-konferansen", "Status for tiltakene i handlingsplanen", "",
)  # fmt: skip
