"""Shared vocabulary: the codes Alliance uses for professions, alliance styles, concerns,
approaches, languages, formats and genders, each with a plain-language label.

Codes are stable (stored in the database and in exchange files); labels may be reworded.
"""

from __future__ import annotations

from typing import Final

PROFESSIONS: Final[dict[str, str]] = {
    "clinical_psychologist": "Clinical psychologist",
    "counselling_psychologist": "Counselling psychologist",
    "psychiatrist": "Psychiatrist",
    "psychotherapist": "Psychotherapist",
    "counsellor": "Counsellor",
}

# The five alliance styles named in the product brief, each explained the way a client would
# read it on the intake form.
ALLIANCE_STYLES: Final[dict[str, str]] = {
    "directive": "Directive",
    "non_directive": "Non-directive",
    "facilitative": "Facilitative",
    "supportive": "Supportive",
    "task_oriented": "Task-oriented",
}
ALLIANCE_STYLE_EXPLANATIONS: Final[dict[str, str]] = {
    "directive": (
        "The therapist takes the lead: suggests what to work on, gives clear advice and "
        "structure, and may set practice between sessions."
    ),
    "non_directive": (
        "You lead. The therapist follows what matters to you, listens closely and reflects "
        "back, without steering or advising."
    ),
    "facilitative": (
        "The therapist helps you find your own answers: asks questions, draws out what you "
        "already know and helps you weigh your options."
    ),
    "supportive": (
        "Warmth and steadiness first: the therapist offers encouragement, reassurance and a "
        "safe place, especially through a hard period."
    ),
    "task_oriented": (
        "Focused on concrete goals and skills: you agree specific tasks, practise them and "
        "track progress together."
    ),
}

CONCERNS: Final[dict[str, str]] = {
    "anxiety": "Anxiety and worry",
    "depression": "Low mood and depression",
    "stress": "Stress and burnout",
    "relationships": "Relationships",
    "grief": "Grief and loss",
    "trauma": "Trauma",
    "self_esteem": "Self-esteem",
    "ocd": "Obsessions and compulsions",
    "sleep": "Sleep",
    "anger": "Anger",
    "addiction": "Alcohol and drug use",
    "eating": "Eating and body image",
    "work": "Work and career",
    "family": "Family",
    "identity": "Identity and sexuality",
    "life_transitions": "Life changes",
}

APPROACHES: Final[dict[str, str]] = {
    "cbt": "Cognitive behavioural therapy (CBT)",
    "act": "Acceptance and commitment therapy (ACT)",
    "dbt": "Dialectical behaviour therapy (DBT)",
    "psychodynamic": "Psychodynamic therapy",
    "person_centred": "Person-centred therapy",
    "emdr": "EMDR",
    "schema": "Schema therapy",
    "compassion_focused": "Compassion-focused therapy",
    "interpersonal": "Interpersonal therapy (IPT)",
    "systemic": "Systemic and family therapy",
    "solution_focused": "Solution-focused brief therapy",
    "mindfulness": "Mindfulness-based therapy",
    "medication": "Medication review",
}

LANGUAGES: Final[dict[str, str]] = {
    "en": "English",
    "hi": "Hindi",
    "bn": "Bengali",
    "ta": "Tamil",
    "te": "Telugu",
    "mr": "Marathi",
    "kn": "Kannada",
    "ml": "Malayalam",
    "gu": "Gujarati",
    "ur": "Urdu",
    "pa": "Punjabi",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
}

FORMATS: Final[dict[str, str]] = {
    "online": "Online",
    "in_person": "In person",
}

GENDERS: Final[dict[str, str]] = {
    "female": "Woman",
    "male": "Man",
    "non_binary": "Non-binary",
}

WEEKDAYS: Final[tuple[str, ...]] = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
