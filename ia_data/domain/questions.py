"""The five questions every report answers, as the oversight group's 2012 letter asks them
(and docs/arbeidsboka.md lists them): the template writes them, the importer reads the answers
by their numbers, and the Råd page and the compiled report show them."""

from __future__ import annotations

QUESTIONS = (
    "Hva har myndighetene og partene gjort sammen for å sette IA på dagsorden i fylket?",
    "Har IA-rådet gjort risikovurderinger som har avdekket spesielle utfordringer for "
    "IA-arbeidet i fylket?",
    "Er det næringer, bransjer eller sektorer der IA-rådet har iverksatt særlige aktiviteter?",
    "Hva slags tiltak er igangsatt for å spisse og målrette IA-arbeidet mot virksomheter av "
    "spesiell betydning for måloppnåelse i fylket?",
    "Vurdering av hvilken effekt tiltakene har fått eller vil få.",
)
