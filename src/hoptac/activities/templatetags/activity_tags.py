from django import template

register = template.Library()


@register.simple_tag
def report_state(obj, today) -> dict:
    """The post-event / post-trip report as a row shows it."""
    return {
        "due": obj.report_due(),
        "filed": obj.report_filed_on,
        "owed": obj.report_owed(),
        "late": obj.report_late(today),
    }
