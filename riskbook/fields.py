"""The register's fields: their canonical names, the words the panel paper uses for them, and their kinds."""

from __future__ import annotations

# Canonical fields, in the order of the panel paper's Appendix A and its detail cards.
FIELDS: tuple[str, ...] = (
    "reference",
    "owner",
    "title",
    "impact",
    "likelihood",
    "status",
    "first_recorded",
    "last_review",
    "score",
    "previous_score",
    "rag",
    "responsible_officer",
    "category",
    "information",
    "rationale",
    "consequence",
    "existing_controls",
    "additional_controls",
    "update",
    "current_status",
    "control_due",
    "proposal",
    # Read from registers in other shapes; kept with the risk, not yet checked.
    "description",
    "next_review",
    "treatment",
    "inherent_impact",
    "inherent_likelihood",
    "inherent_score",
    "inherent_rating",
    "target_impact",
    "target_likelihood",
    "target_score",
    "target_rating",
)

FIELD_LABELS: dict[str, str] = {
    "reference": "Reference",
    "owner": "Owner",
    "title": "Title",
    "impact": "Impact",
    "likelihood": "Likelihood",
    "status": "Status",
    "first_recorded": "First Recorded",
    "last_review": "Last Review",
    "score": "Current/Proposed Score",
    "previous_score": "Previous Score",
    "rag": "RAG",
    "responsible_officer": "Responsible Officer",
    "category": "Category",
    "information": "Information",
    "rationale": "Risk Rationale",
    "consequence": "Risk Consequence",
    "existing_controls": "Existing Controls",
    "additional_controls": "Additional Controls",
    "update": "Update",
    "current_status": "Current Status",
    "control_due": "Control Due",
    "proposal": "Proposal",
    "description": "Description",
    "next_review": "Next Review",
    "treatment": "Treatment",
    "inherent_impact": "Inherent Impact",
    "inherent_likelihood": "Inherent Likelihood",
    "inherent_score": "Inherent Score",
    "inherent_rating": "Inherent Rating",
    "target_impact": "Target Impact",
    "target_likelihood": "Target Likelihood",
    "target_score": "Target Score",
    "target_rating": "Target Rating",
}

DATE_FIELDS = frozenset({"first_recorded", "last_review", "next_review"})
SCALE_FIELDS = frozenset({"impact", "likelihood"})
SCORE_FIELDS = frozenset({"score", "previous_score"})
# Inherent and target assessments: read as scale values and scores where they are, else kept as typed.
LENIENT_SCALE_FIELDS = frozenset({"inherent_impact", "inherent_likelihood", "target_impact", "target_likelihood"})
LENIENT_SCORE_FIELDS = frozenset({"inherent_score", "target_score"})


# Narrative fields are read from their cells only when asked for: validating a large register
# never needs them, only their length; the panel workbook reads each once.
NARRATIVE_FIELDS = frozenset(
    {
        "information",
        "rationale",
        "consequence",
        "existing_controls",
        "additional_controls",
        "update",
        "current_status",
        "description",
        "treatment",
    }
)
LAZY_FIELDS = NARRATIVE_FIELDS | {"responsible_officer", "category"}

# What the owners' template's computed Next Review shows when its Last Review is not a date: read back,
# it says the Last Review cell holds a date typed as text.
CHECK_DATE = "Check date"
