from django import forms


class DeclarationForm(forms.Form):
    """A declaration of interest in the item editor. `version`: of the row
    the form was drawn from (0 for a new one)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    name = forms.CharField(label="Who declared", max_length=200)
    organisation = forms.CharField(max_length=200, required=False)
    interest = forms.CharField(
        label="The interest", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
