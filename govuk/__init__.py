"""The GOV.UK forms layer: one form mixin, one renderer with GOV.UK field templates, one date
field and one way of putting a service's ValidationError on a form. No models, and it imports
nothing of the project: every app may use it."""
