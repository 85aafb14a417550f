"""Forms that render as NHS.UK components."""

from __future__ import annotations

from typing import Any

from django import forms

WIDGET_CLASSES = {
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.ClearableFileInput: "nhsuk-file-upload",
    forms.FileInput: "nhsuk-file-upload",
}


class NhsFormMixin:
    """Adds the NHS.UK classes, hint and error ``aria-describedby`` to every widget."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            css = next(
                (c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), "nhsuk-input"
            )
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            described = widget.attrs.get("aria-describedby", "")
            widget.attrs["aria-describedby"] = f"{described} id_{name}-error".strip()
            base = widget.attrs.get("class", "")
            for suffix in ("input", "textarea", "select"):
                if f"nhsuk-{suffix}" in base.split():
                    widget.attrs["class"] = f"{base} nhsuk-{suffix}--error"
            widget.attrs["aria-invalid"] = "true"


class NhsForm(NhsFormMixin, forms.Form):
    pass


class NhsModelForm(NhsFormMixin, forms.ModelForm):
    pass
