from rest_framework import serializers

from apps.accounts.api.serializers import UserSummarySerializer

from ..choices import GoNoGo
from ..models import Gate, GateEvent
from ..states import available_actions, shown_state


class CriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)
    detail = serializers.CharField()
    url = serializers.CharField(help_text="Where the criterion is fixed (a path in the portal).")


class GateEventSerializer(serializers.ModelSerializer):
    actor = UserSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = GateEvent
        fields = ["id", "kind", "actor", "note", "signoff", "created_at"]


class GateSerializer(serializers.ModelSerializer):
    """A stage gate with its computed exit criteria and its history."""

    state_label = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    criteria_met = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Gate
        fields = [
            "stage",
            "state",
            "state_label",
            "go_no_go_criteria",
            "decision",
            "decision_rationale",
            "approved_at",
            "criteria_met",
            "criteria",
            "actions",
            "history",
        ]

    def _evidence(self, gate):
        return self.context["evidence"](gate)

    def get_state_label(self, gate) -> str:
        """The state as the gate page and the timeline word it, e.g. "Passed — no sign-off on record"."""
        return shown_state(gate).label

    def get_criteria(self, gate) -> list[dict]:
        return CriterionSerializer(self._evidence(gate).criteria, many=True).data

    def get_criteria_met(self, gate) -> bool:
        return self._evidence(gate).met

    def get_actions(self, gate) -> list[str]:
        """What you may do on this gate now (apps/gates/states.py), e.g. ["submit", "criteria"]."""
        return sorted(available_actions(gate, self.context["perms"]))

    def get_history(self, gate) -> list[dict]:
        return GateEventSerializer(self.context["history"](gate), many=True).data


class SubmitSerializer(serializers.Serializer):
    due_on = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class GoNoGoDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=GoNoGo.choices)
    rationale = serializers.CharField()


class CriteriaSerializer(serializers.Serializer):
    go_no_go_criteria = serializers.CharField()


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField()
