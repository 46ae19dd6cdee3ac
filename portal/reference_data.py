"""Master data from the source documents (../shared/seeds), kept verbatim where the issue asks for it.

- QUALITY_REQUIREMENTS: seed 004 (RKC Noordenveld, "Grip op zorginkoop"), §5.2 Kwaliteitscriteria.
- SUITABILITY_REQUIREMENTS: seed 004 §3.1, the conditions a provider must declare to meet.
- MUNICIPALITIES: the five NMD municipalities with their CBS codes.
- DOMAINS: the four domains of the resultatenmatrix (seed 000, kader 1; seed 004 §3.1).
"""

from __future__ import annotations

MUNICIPALITIES: list[tuple[str, str]] = [
    ("GM1680", "Aa en Hunze"),
    ("GM0106", "Assen"),
    ("GM1731", "Midden-Drenthe"),
    ("GM1699", "Noordenveld"),
    ("GM1730", "Tynaarlo"),
]

DOMAINS: list[str] = ["Veilig", "Zelfredzaam", "Meedoen", "Gezond"]

SOURCE_004_5_2 = "RKC Noordenveld, Grip op zorginkoop (2019), §5.2"
SOURCE_004_3_1 = "RKC Noordenveld, Grip op zorginkoop (2019), §3.1"

# §5.2, first table: "Kwaliteitseisen die zorgaanbieders moeten aantonen" (evidence required)
QUALITY_REQUIREMENTS_SHOWN: list[str] = [
    "Dat er een meldcode voor huiselijk geweld en kindermishandeling is geïmplementeerd",
    "Dat incidenten en calamiteiten worden gemeld en opgevolgd",
    "Dat voor alle vormen van ondersteuning duidelijk is wie bevoegd en bekwaam is om wat te mogen uitvoeren.",
    "Dat alle professionals beschikken over een actuele en passende VOG",
    "Dat afspraken en de wijze van communiceren met de cliënt zijn vastgelegd",
    "Dat ze in staat zijn cliënten een veilige leefomgeving te bieden",
    "Dat afspraken en wijze van vervoer zijn vastgelegd.",
    "Wie er verantwoordelijk is voor het toedienen van medicijnen en hoe de uitgifte is geregeld",
    "Dat ze beschikt over een kwaliteitsmanagementsysteem.",
    "Dat ze werkt met bewezen effectieve interventies.",
    "Dat benodigde deskundigheid is vastgesteld per dienstverlening/behandeling/ondersteuning.",
    "Dat er sprake is van deskundigheidsbevordering, verantwoorde werktoedeling, een goede werksfeer, "
    "aanwezigheid ziekteverzuimbeleid en ontwikkelgesprekken.",
    "Dat ondersteuning gericht is op het behalen van de afgesproken resultaten uit het ondersteuningsplan.",
    "Dat er periodieke evaluatie plaatsvindt tussen cliënt en hulpverlener en beroepskrachten onderling.",
    "Dat cliënttevredenheid wordt meegenomen in het kwaliteitsbeleid.",
    "Dat de PDCA cyclus op verschillende niveaus waarneembaar is.",
    "Dat de cliënt beschikt over keuzevrijheid, medezeggenschap en inspraak.",
    "Dat de cliënt voorafgaande aan de uitvoering wordt geïnformeerd over algemene zaken, klachtenregeling, "
    "vertrouwenspersoon en cliëntenraad.",
    "Dat bij het opstellen van het ondersteuningsplan de cliënt en zijn naasten actief zijn betrokken",
    "Dat bij beëindiging van ondersteuning, waarbij risico’s voor de cliënt ontstaan, een beroep kan worden "
    "gedaan op een professionele instantie of vangnet",
    "Dat de afgesproken resultaten uit het ondersteuningsplan wordt geëvalueerd",
    "Dat ze beschikt over een representatieve cliëntenraad",
    "Dat afspraken en beleid over privacy zijn vastgelegd",
    "Dat er een klachtenprocedure is vastgelegd en een onafhankelijke klachtencommissie is ingericht.",
    "Dat de leefomgeving schoon, veilig en passend is voor cliënten.",
    "Dat het leefklimaat geschikt is voor de leeftijd en de ondersteuningsbehoefte van de cliënt.",
]

# §5.2, second table: "Kwaliteitseisen waar de zorgaanbieder zorg voor moet dragen" (declaration)
QUALITY_REQUIREMENTS_ENSURED: list[str] = [
    "Dat de sub-resultaten op de domeinen Veilig, Zelfredzaam, Meedoen en Gezond zijn beschreven in een "
    "ondersteuningsplan",
    "Dat afspraken over gebruik van apparaten zijn vastgelegd en dat er risicotaxaties worden uitgevoerd over "
    "de omgang en afspraken.",
    "Dat professionals bij acute onveiligheid direct optreden.",
    "Dat professionals de veiligheid inschatten aan de hand van een gestandaardiseerd risicotaxie instrument.",
    "Dat er gebruik wordt gemaakt van een meldingssysteem waarin incidenten en afwijkingen worden gemeld.",
    "Dat er gebruik wordt gemaakt van een veiligheidsmanagementsysteem.",
]

# §3.1: "Daarnaast moet de zorgaanbieder aangeven aan de gestelde kwaliteitskaders te voldoen, in een
# stabiele financiële situatie te verkeren, een verzekering beroeps- en bedrijfsaansprakelijkheid te
# hebben, ingeschreven te zijn bij de Kamer van Koophandel en te voldoen aan de technische- en
# beroepsbekwaamheid. Ook dient aangegeven te worden van welk kwaliteitsmanagementsysteem gebruik wordt
# gemaakt en dat er aan de Wet normering topinkomens wordt voldaan."
# Each: (text, answer type, evidence required, knock-out)
SUITABILITY_REQUIREMENTS: list[tuple[str, str, bool, bool]] = [
    ("aan de gestelde kwaliteitskaders te voldoen", "declaration", False, True),
    ("in een stabiele financiële situatie te verkeren", "declaration", False, True),
    ("een verzekering beroeps- en bedrijfsaansprakelijkheid te hebben", "file", True, True),
    ("ingeschreven te zijn bij de Kamer van Koophandel", "declaration", False, True),
    ("te voldoen aan de technische- en beroepsbekwaamheid", "declaration", False, True),
    ("van welk kwaliteitsmanagementsysteem gebruik wordt gemaakt", "text", False, False),
    ("dat er aan de Wet normering topinkomens wordt voldaan", "declaration", False, True),
]
