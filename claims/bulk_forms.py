"""The queue's bulk-action form: which claims (the ticked ones, or all that match the filter),
which action, and that action's input. A plain form: it works without JavaScript."""

from __future__ import annotations

from typing import Any

from django import forms

from claims import deadlines, selectors
from claims.bulk import BULK_ACTIONS, BULK_MAX_CLAIMS
from claims.export import FORMATS
from factcheck.date_input import DateField

EXPORTS = {"export_csv": "Export as CSV", "export_jsonl": "Export as JSON Lines"}


class BulkForm(forms.Form):
    action = forms.ChoiceField(
        label="Action",
        choices=[("", "Choose an action"), *BULK_ACTIONS.items(), *EXPORTS.items()],
    )
    scope = forms.ChoiceField(
        label="Act on",
        choices=[
            ("selected", "the claims ticked below"),
            ("all", "every claim matching the filter"),
        ],
        initial="selected",
        widget=forms.RadioSelect,
    )
    # The queue's filter as a query string, for "every claim matching the filter".
    filter = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    assignee = forms.TypedChoiceField(
        label="Assign to / researcher", coerce=int, required=False, empty_value=None
    )
    priority = forms.TypedChoiceField(
        label="Priority", coerce=int, required=False, empty_value=None
    )
    due_date = DateField(label="Due date", required=False, help_text="Empty clears the due date.")
    reason = forms.CharField(
        label="Reason (to dismiss)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "—"),
            *((m.pk, m.get_username()) for m in members),
        ]
        self.fields["priority"].choices = [("", "—"), *deadlines.priority_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        action = data.get("action")
        if action == "assign" and data.get("assignee") is None:
            self.add_error("assignee", "Choose whom to assign the claims to.")
        if action == "priority" and data.get("priority") is None:
            self.add_error("priority", "Choose the priority to set.")
        if action == "dismiss" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Dismissing claims needs a reason.")
        return data

    @property
    def export_format(self) -> str | None:
        action = self.cleaned_data.get("action", "")
        fmt = action.removeprefix("export_")
        return fmt if action in EXPORTS and fmt in FORMATS else None


def bulk_form(data: Any = None) -> BulkForm:
    return BulkForm(data, members=list(selectors.desk_members()), prefix="bulk")


def bulk_context(
    user: Any,
    filters: selectors.QueueFilters,
    rows: list[Any],
    *,
    bulk: BulkForm | None = None,
    selected: frozenset[int] = frozenset(),
) -> dict[str, Any]:
    """What the queue page needs to draw the bulk form: how many claims match (counted up to
    one more than a bulk action may change, so the count stays cheap on a big desk)."""
    matching = selectors.queue_claims(user, filters).order_by()[: BULK_MAX_CLAIMS + 1].count()
    return {
        "bulk": bulk or bulk_form(),
        "bulk_matching": matching,
        "bulk_too_many": matching > BULK_MAX_CLAIMS,
        "bulk_max": BULK_MAX_CLAIMS,
        "bulk_selected": selected,
    }
