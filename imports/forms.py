from django import forms


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Minutes document",
        help_text="Text from a PDF (.txt), Markdown from Word (.md), a Word document (.docx) "
        "or a PDF (.pdf), up to 20 MB.",
    )
    committee = forms.ModelChoiceField(
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="As the document says",
        help_text="Only when the document does not name its committee, or names it wrongly.",
    )
    number = forms.IntegerField(
        label="Meeting number",
        required=False,
        min_value=1,
        max_value=9999,
        help_text="Only when the document does not give one (a bot's or an association's "
        "minutes, say): its actions are numbered under it.",
    )

    def __init__(self, *args, committees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees
