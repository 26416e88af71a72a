"""Word banks for the menu-designer replies: courses, ingredients, cuisines, wines."""

from __future__ import annotations

#: Course types in service order; a menu of N courses keeps the N highest-priority ones.
COURSE_ORDER = (
    "amuse-bouche",
    "bread course",
    "appetizer",
    "soup",
    "salad",
    "fish",
    "intermezzo",
    "main",
    "cheese",
    "pre-dessert",
    "dessert",
    "mignardises",
)
COURSE_PRIORITY = (
    "main",
    "dessert",
    "appetizer",
    "soup",
    "amuse-bouche",
    "fish",
    "salad",
    "cheese",
    "intermezzo",
    "pre-dessert",
    "mignardises",
    "bread course",
)

CUISINES: dict[str, tuple[str, ...]] = {
    "italian": ("salsa verde", "aged parmigiano", "basil oil", "saffron risotto", "gremolata"),
    "french": ("beurre blanc", "sauce vierge", "tarragon jus", "pommes purée", "gougères"),
    "japanese": ("yuzu kosho", "dashi", "white miso glaze", "pickled daikon", "shiso"),
    "mexican": ("salsa macha", "charred tomatillo", "mole negro", "pepita crumble", "lime crema"),
    "indian": (
        "tamarind glaze",
        "curry leaf oil",
        "cardamom yogurt",
        "tomato chutney",
        "garam masala",
    ),
    "thai": ("green curry", "lemongrass broth", "nam jim", "toasted rice powder", "thai basil"),
    "spanish": (
        "romesco",
        "smoked paprika oil",
        "saffron aioli",
        "jamón crumb",
        "sherry reduction",
    ),
    "greek": ("lemon avgolemono", "feta whip", "oregano oil", "olive tapenade", "tzatziki"),
    "mediterranean": ("olive oil", "preserved lemon", "za'atar", "charred pepper", "herb salsa"),
    "nordic": ("dill emulsion", "pickled shallot", "rye crumble", "smoked butter", "lingonberry"),
    "korean": ("gochujang glaze", "sesame", "kimchi butter", "doenjang jus", "perilla"),
    "chinese": (
        "black bean sauce",
        "chili crisp",
        "ginger scallion oil",
        "five-spice",
        "shaoxing jus",
    ),
    "peruvian": ("leche de tigre", "ají amarillo", "huacatay", "choclo", "rocoto"),
    "moroccan": ("chermoula", "harissa", "preserved lemon", "ras el hanout", "apricot"),
}
DEFAULT_ACCENTS = ("herb oil", "brown butter", "citrus", "toasted seeds", "pan jus")

SEASONS: dict[str, tuple[str, ...]] = {
    "spring": ("asparagus", "english peas", "morels", "ramps", "rhubarb", "fava beans"),
    "summer": ("heirloom tomato", "sweet corn", "peach", "zucchini", "cherries", "basil"),
    "autumn": ("butternut squash", "wild mushrooms", "apple", "chestnut", "pear", "sage"),
    "winter": ("celeriac", "blood orange", "black truffle", "parsnip", "beetroot", "leeks"),
}
SEASON_ALIASES = {"fall": "autumn"}

COURSE_BASES: dict[str, tuple[str, ...]] = {
    "amuse-bouche": ("gougère", "oyster", "tartlet", "crostini", "spoon of tartare"),
    "bread course": ("sourdough", "brioche", "focaccia", "rye loaf"),
    "appetizer": ("scallop crudo", "beef tartare", "burrata", "tuna tataki", "crab salad"),
    "soup": ("velouté", "consommé", "bisque", "chilled gazpacho", "broth"),
    "salad": ("leaf salad", "shaved fennel salad", "beet salad", "citrus salad"),
    "fish": ("halibut", "sea bass", "black cod", "turbot", "salmon", "scallops"),
    "intermezzo": ("sorbet", "granita", "shrub"),
    "main": ("duck breast", "lamb loin", "beef tenderloin", "pork belly", "guinea fowl", "venison"),
    "cheese": ("comté", "aged gouda", "blue cheese", "goat cheese", "pecorino"),
    "pre-dessert": ("panna cotta", "yogurt mousse", "posset"),
    "dessert": ("chocolate tart", "soufflé", "mille-feuille", "crème brûlée", "pavlova"),
    "mignardises": ("petits fours", "macarons", "pâte de fruits", "truffles"),
    "tasting course": ("seasonal bite", "chef's tasting", "small plate"),
}
VEGETARIAN_SWAPS = ("roasted cauliflower", "king oyster mushroom", "charred cabbage", "aubergine")

TECHNIQUES = (
    "roasted",
    "seared",
    "confit",
    "smoked",
    "poached",
    "grilled",
    "braised",
    "cured",
    "glazed",
    "charred",
)

DIETS: dict[str, str] = {
    "vegetarian": "no meat or fish; build protein from legumes, eggs, dairy and mushrooms",
    "vegan": "no animal products at all, including butter, cream, honey and gelatin",
    "gluten-free": "no wheat, barley or rye; thicken with cornstarch or rice flour",
    "dairy-free": "replace butter and cream with olive oil or nut-free plant milks",
    "nut-free": "no tree nuts or peanuts, including oils and garnishes",
    "low-sodium": "keep each course under 600 mg sodium; season with acid and herbs",
    "low-sugar": "keep desserts under 15 g added sugar; lean on fruit and spice",
    "pescatarian": "fish and seafood allowed, no meat or poultry",
    "halal": "halal-certified meat only, no pork or alcohol in cooking",
    "kosher": "no pork or shellfish, never combine meat and dairy",
    "keto": "under 20 g net carbs per course; favour fats and proteins",
    "shellfish": "no shellfish (crab, shrimp, lobster, scallops) or shellfish stock",
    "diabetic": "balanced carbohydrates with fibre; avoid sugary glazes",
}

WINES: dict[str, tuple[tuple[str, str], ...]] = {
    "sparkling": (
        ("NV Billecart-Salmon Brut Réserve Champagne", "Champagne, France"),
        ("2019 Raventós i Blanc de Nit", "Penedès, Spain"),
    ),
    "white": (
        ("2021 William Fèvre Chablis Premier Cru", "Burgundy, France"),
        ("2022 Dr. Loosen Riesling Kabinett", "Mosel, Germany"),
        ("2022 Domaine Vacheron Sancerre", "Loire Valley, France"),
        ("2021 Pazo Señorans Albariño", "Rías Baixas, Spain"),
    ),
    "red": (
        ("2019 Domaine Drouhin Pinot Noir", "Willamette Valley, USA"),
        ("2018 Château Montrose Saint-Estèphe", "Bordeaux, France"),
        ("2019 Produttori del Barbaresco", "Piedmont, Italy"),
        ("2020 E. Guigal Côte-Rôtie", "Northern Rhône, France"),
    ),
    "sweet": (
        ("2017 Château Suduiraut Sauternes", "Bordeaux, France"),
        ("NV Graham's 20 Year Tawny Port", "Douro, Portugal"),
        ("2020 Inniskillin Vidal Icewine", "Niagara Peninsula, Canada"),
    ),
}
