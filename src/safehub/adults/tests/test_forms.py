"""The enquiry form offers the SAC's locations of risk, and keeps an older generic one it already holds."""

from django.http import QueryDict

from safehub.adults.forms import EnquiryForm


def offered(form: EnquiryForm) -> set[str]:
    return {code for code, _ in form.fields["risk_locations"].choices}


def test_a_new_enquiry_is_offered_the_sub_types_not_the_generic_care_home_or_hospital() -> None:
    codes = offered(EnquiryForm(initial={"risk_locations": []}))
    assert {"CARE_HOME_NURSING", "CARE_HOME_RESIDENTIAL", "HOSPITAL_ACUTE", "HOSPITAL_MENTAL_HEALTH"} <= codes
    assert "HOSPITAL_COMMUNITY" in codes
    assert not codes & {"CARE_HOME", "HOSPITAL"}


def test_an_enquiry_holding_the_generic_care_home_keeps_it_and_may_post_it_back() -> None:
    assert "CARE_HOME" in offered(EnquiryForm(initial={"risk_locations": ["CARE_HOME"]}))
    assert "HOSPITAL" not in offered(EnquiryForm(initial={"risk_locations": ["CARE_HOME"]}))
    posted = QueryDict(mutable=True)
    posted.setlist("risk_locations", ["CARE_HOME", "OWN_HOME"])
    form = EnquiryForm(data=posted)
    form.is_valid()
    assert "risk_locations" not in form.errors
    assert form.cleaned_data["risk_locations"] == ["CARE_HOME", "OWN_HOME"]
