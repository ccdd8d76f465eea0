"""The parts generated participants of mission 1 are made of: names, organisation names, what they do.

server.demo combines them, deterministically, into as many organisations and people as asked for.
"""

from __future__ import annotations

from rooms.core.cards import OrgType
from server.demo_data import AV, BATTERY, EV, SHARED, SMART, TRANSIT

NL_FIRST = (
    "Anouk", "Bas", "Bram", "Chantal", "Daan", "Dewi", "Eline", "Emma", "Femke", "Floor", "Gijs", "Hanna", "Ilse",
    "Jasper", "Jesse", "Julia", "Koen", "Lieke", "Lotte", "Luuk", "Maaike", "Mark", "Milan", "Nina", "Olaf", "Pim",
    "Puck", "Rik", "Roos", "Sander", "Sara", "Stijn", "Tess", "Thomas", "Vera", "Wessel", "Yasmin", "Zeynep",
    "Ahmed", "Mei", "Rachid", "Ingrid",
)
NL_LAST = (
    "de Boer", "van der Meer", "Visser", "Smit", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Linden", "Kok",
    "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "Schouten",
    "Willems", "Hoekstra", "Koster", "Prins", "Huisman", "Kramer", "Post", "Kuiper", "van Dam", "Verhoef", "Yilmaz",
    "El Idrissi", "Tan", "Bakker", "Wouters",
)
US_FIRST = (
    "Aaron", "Alicia", "Amanda", "Ashley", "Brandon", "Brianna", "Caleb", "Carmen", "Danielle", "David", "Diego",
    "Elena", "Ethan", "Gabriel", "Hailey", "Isaac", "Jacob", "Jasmine", "Jose", "Julian", "Kayla", "Kenji",
    "Lauren", "Logan", "Malik", "Maya", "Nicole", "Noah", "Paige", "Rafael", "Samantha", "Sofia", "Tanya", "Trevor",
    "Vanessa", "Wei", "Xavier", "Zoe", "Hiroshi", "Fatima", "Tyrone", "Linh",
)
US_LAST = (
    "Adams", "Baker", "Bennett", "Brooks", "Campbell", "Chavez", "Collins", "Cruz", "Diaz", "Edwards", "Evans",
    "Flores", "Garcia", "Gonzalez", "Hayes", "Hughes", "Jackson", "Kelly", "Lopez", "Martinez", "Mitchell",
    "Morales", "Murphy", "Nakamura", "Nguyen", "Ortiz", "Patel", "Perez", "Reyes", "Rivera", "Robinson", "Sanders",
    "Shapiro", "Singh", "Sullivan", "Tanaka", "Tran", "Turner", "Washington", "Watson", "Wong", "Young",
)
NL_STEM_A = (
    "Polder", "Delta", "Dijk", "Duin", "Kanaal", "Molen", "Wadden", "Tulp", "Gracht", "Sluis", "Veen", "Rivier",
    "Wind", "Zon", "Eiland", "Haven", "Brug", "Kade", "Noorder", "Zuider", "Klaver", "Berken", "Linde", "Reiger",
)
NL_STEM_B = (
    "laad", "mobiel", "stroom", "rit", "wiel", "net", "volt", "lijn", "route", "vloot", "spoor", "pad", "zet",
    "werk", "kracht", "vaart",
)
US_STEM_A = (
    "Pacific", "Cascade", "Golden", "Redwood", "Sierra", "Summit", "Harbor", "Bayside", "Coastal", "Mesa", "Canyon",
    "Evergreen", "Juniper", "Sequoia", "Mission", "Presidio", "Sunset", "Ridge", "Tidewater", "Orchard", "Alder",
    "Granite", "Lumen", "Marina",
)
US_STEM_B = (
    "Charge", "Mobility", "Grid", "Fleet", "Motion", "Transit", "Volt", "Mile", "Route", "Drive", "Current",
    "Cell", "Signal", "Wheel", "Lane", "Depot",
)
NL_QUALIFIERS = ("", "Noord", "Zuid", "Oost", "West", "Centraal", "Holland", "Delta", "Rijn", "Maas", "IJssel")
US_QUALIFIERS = ("", "North", "South", "East", "West", "Central", "Valley", "Coast", "Bay", "Sound", "Inland")
NL_PLACE_A = ("Molen", "Duin", "Sluis", "Rivier", "Wind", "Zonne", "Linde", "Beek", "Heide", "Brug", "Kade", "Klaver")
NL_PLACE_B = ("veen", "hoven", "dam", "wijk", "horst", "meer", "broek", "waarde")
US_PLACE_A = ("Harbor", "Ridge", "Cedar", "Willow", "Maple", "Falcon", "Crescent", "Pine", "Lake", "Canyon", "Bluff")
US_PLACE_B = ("Springs", "Heights", "Falls", "Point", "Hills", "Grove", "Crossing", "Landing")
NL_CITIES = (
    "Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Delft", "Den Haag", "Groningen", "Arnhem", "Nijmegen",
    "Zwolle", "Enschede", "Amersfoort", "Haarlem", "Leiden", "Tilburg", "Breda", "Helmond", "Almere", "Apeldoorn",
    "Maastricht",
)
US_CITIES = (
    "San Francisco", "Oakland", "San Jose", "Sacramento", "Los Angeles", "Portland", "Seattle", "Berkeley",
    "Palo Alto", "Fremont", "Long Beach", "San Diego", "Tacoma", "Eugene", "Irvine", "Santa Monica",
    "Mountain View", "Pasadena", "Bellevue", "Salem",
)
EXTRA_LANGUAGES_NL = ("de", "fr", "es", "tr", "ar", "zh")
EXTRA_LANGUAGES_US = ("es", "zh", "vi", "ko", "tl", "ja", "hi", "fr")

# Organisation names by type: {stem}, {place}.
NL_ORG_FORMATS: dict[OrgType, str] = {
    OrgType.SME: "{stem} B.V.",
    OrgType.STARTUP: "{stem}",
    OrgType.CORPORATE: "{stem} Groep N.V.",
    OrgType.CONSULTANCY: "{stem} Advies",
    OrgType.KNOWLEDGE: "Kenniscentrum {stem}",
    OrgType.LOCAL_GOVERNMENT: "Gemeente {place}",
    OrgType.NATIONAL_GOVERNMENT: "Rijksprogramma {stem}",
    OrgType.TRADE_BODY: "Branchevereniging {stem}",
    OrgType.INVESTOR: "{stem} Capital",
    OrgType.OTHER: "Stichting {stem}",
}
US_ORG_FORMATS: dict[OrgType, str] = {
    OrgType.SME: "{stem} Inc.",
    OrgType.STARTUP: "{stem} Labs",
    OrgType.CORPORATE: "{stem} Corporation",
    OrgType.CONSULTANCY: "{stem} Advisors",
    OrgType.KNOWLEDGE: "{stem} Research Institute",
    OrgType.LOCAL_GOVERNMENT: "City of {place} Department of Transportation",
    OrgType.NATIONAL_GOVERNMENT: "Federal {stem} Program Office",
    OrgType.TRADE_BODY: "{stem} Industry Association",
    OrgType.INVESTOR: "{stem} Ventures",
    OrgType.OTHER: "{stem} Community Trust",
}
# How often each type appears among generated organisations.
ORG_TYPE_WEIGHTS: dict[OrgType, int] = {
    OrgType.SME: 25, OrgType.STARTUP: 20, OrgType.CORPORATE: 8, OrgType.CONSULTANCY: 10, OrgType.KNOWLEDGE: 8,
    OrgType.LOCAL_GOVERNMENT: 8, OrgType.NATIONAL_GOVERNMENT: 3, OrgType.TRADE_BODY: 5, OrgType.INVESTOR: 6,
    OrgType.OTHER: 7,
}
JOB_TITLES: dict[OrgType, tuple[str, ...]] = {
    OrgType.SME: ("Managing director", "Sales manager", "Business developer", "Project engineer", "Export manager"),
    OrgType.STARTUP: ("Founder & CEO", "Co-founder", "CTO", "Head of growth", "Product lead"),
    OrgType.CORPORATE: ("Director international sales", "Innovation manager", "Strategy lead", "Key account manager"),
    OrgType.CONSULTANCY: ("Senior consultant", "Partner", "Managing consultant", "Analyst"),
    OrgType.KNOWLEDGE: ("Researcher", "Professor", "Project manager research", "PhD candidate", "Lab manager"),
    OrgType.LOCAL_GOVERNMENT: ("Policy adviser", "Program manager", "Mobility planner", "Economic development officer"),
    OrgType.NATIONAL_GOVERNMENT: ("Policy officer", "Senior adviser", "Program officer"),
    OrgType.TRADE_BODY: ("Director", "Policy adviser", "Member relations manager"),
    OrgType.INVESTOR: ("Partner", "Principal", "Investment manager", "Analyst"),
    OrgType.OTHER: ("Program director", "Coordinator", "Board member", "Community organiser"),
}
ABOUT: dict[OrgType, str] = {
    OrgType.SME: "An established company with customers in several countries.",
    OrgType.STARTUP: "A young company growing fast.",
    OrgType.CORPORATE: "A large company with an international footprint.",
    OrgType.CONSULTANCY: "Advisers to companies and governments.",
    OrgType.KNOWLEDGE: "Research and education, with an eye for practice.",
    OrgType.LOCAL_GOVERNMENT: "A public body working for a greener, more accessible region.",
    OrgType.NATIONAL_GOVERNMENT: "A public program at the national level.",
    OrgType.TRADE_BODY: "An industry network of companies and institutions.",
    OrgType.INVESTOR: "Investors in companies that make transport cleaner.",
    OrgType.OTHER: "A not-for-profit organisation.",
}
# What a generated organisation offers and seeks, by side (delegation first) and sector.
GEN_OFFERS: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = (
    {
        EV: ("smart-charging software for fleets and cities", "charge-point installation and maintenance",
             "design of charging hubs for buses and trucks"),
        SMART: ("traffic and parking data platforms", "sensor networks for smart streets",
                "dashboards for mobility policy"),
        SHARED: ("shared e-bike and cargo-bike fleets", "booking software for shared cars",
                 "mobility hubs in new neighbourhoods"),
        BATTERY: ("battery packs for light electric vehicles", "battery-health diagnostics",
                  "stationary storage for charging sites"),
        AV: ("simulation for automated driving", "V2X communication units", "HD maps for connected vehicles"),
        TRANSIT: ("planning software for electric buses", "passenger information systems",
                  "accessible bus-stop design"),
    },
    {
        EV: ("pilot sites for public charging", "installation crews across the state",
             "make-ready funding for chargers"),
        SMART: ("streets and intersections for pilots", "open mobility data", "procurement budgets for smart streets"),
        SHARED: ("permits for shared mobility", "rider communities in dense neighbourhoods",
                 "shared fleets looking for suppliers"),
        BATTERY: ("battery testing facilities", "second-life battery projects", "grid flexibility programs"),
        AV: ("test sites for automated vehicles", "connected-vehicle corridors", "AV fleet operations"),
        TRANSIT: ("depots open for zero-emission pilots", "transit ridership data", "grants for transit innovation"),
    },
)
GEN_SEEKS: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = (
    {
        EV: ("US installation partners", "utilities running charging pilots",
             "charge-point operators on the West Coast"),
        SMART: ("US cities for a pilot", "a local systems integrator", "state transportation departments"),
        SHARED: ("city permits for a launch in the US", "fleet operators", "local maintenance partners"),
        BATTERY: ("US fleet owners", "utilities with storage programs", "recycling partners"),
        AV: ("AV developers as customers", "test sites in California", "research partners"),
        TRANSIT: ("transit agencies electrifying their fleets", "US distributors", "accessibility partners"),
    },
    {
        EV: ("smart-charging pilots", "reliable fast-charger suppliers", "experience with charging tenders"),
        SMART: ("Dutch street-design expertise", "curb and parking sensors", "data platforms for mobility policy"),
        SHARED: ("cargo-bike operators", "mobility-hub concepts", "booking software for shared fleets"),
        BATTERY: ("V2G aggregation", "battery diagnostics", "stationary storage for weak-grid sites"),
        AV: ("connected traffic lights", "simulation and validation tools", "evaluation partners"),
        TRANSIT: ("depot charging planning", "zero-emission buses", "MaaS apps"),
    },
)
