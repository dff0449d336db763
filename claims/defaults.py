"""The default rating scale, shipped by a data migration and restored after a test flush."""

DEFAULT_SCALE = [
    # slug, label, ClaimReview ratingValue, colour, meaning
    ("true", "True", 5, "#1b7f3b", "The claim is accurate and nothing significant is missing."),
    (
        "mostly-true",
        "Mostly true",
        4,
        "#3f7a1f",
        "Accurate but needs clarification or more detail.",
    ),
    ("half-true", "Half true", 3, "#7a5f00", "Partly accurate; leaves out important details."),
    (
        "mostly-false",
        "Mostly false",
        2,
        "#a14f00",
        "Contains some truth but ignores critical facts.",
    ),
    ("false", "False", 1, "#b00020", "The claim is not accurate."),
    ("misleading", "Misleading", 2, "#7a3e9d", "Accurate figures used to give a false impression."),
    (
        "unproven",
        "Unproven",
        None,
        "#4d4d4d",
        "The evidence available neither proves nor disproves it.",
    ),
]
BEST_RATING = 5
WORST_RATING = 1
# Entries of the default scale that are not steps on the true ... false axis.
OFF_AXIS = frozenset({"misleading", "unproven"})


def ensure_default_scale(rating_scale_model) -> None:
    """Create the default entries when the scale is empty (never overwrites an edited scale)."""
    if rating_scale_model.objects.exists():
        return
    # Migrations call this with historical models, some from before the `graded` field.
    has_graded = any(f.name == "graded" for f in rating_scale_model._meta.get_fields())
    for order, (slug, label, value, colour, meaning) in enumerate(DEFAULT_SCALE, start=1):
        extra = {"graded": slug not in OFF_AXIS} if has_graded else {}
        rating_scale_model.objects.create(
            slug=slug,
            label=label,
            rating_value=value,
            colour=colour,
            meaning=meaning,
            order=order,
            **extra,
        )
