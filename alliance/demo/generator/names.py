"""Data tables for the demo clinic: names, languages, credentials and approaches.

Data only, no logic. Names are common given names and surnames grouped by the language
community they are typical of, so a generated person's name and languages fit together. The
lists were checked by hand to avoid obvious combinations that belong to well-known people; keep
that in mind when adding names.
"""

from __future__ import annotations

from typing import Final

# Per group: given names by GENDERS code. "non_binary" holds names used across genders.
FIRST_NAMES: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "hindi": {
        "female": (
            "Ananya",
            "Priya",
            "Neha",
            "Kavya",
            "Ishita",
            "Pooja",
            "Ritu",
            "Shreya",
            "Aditi",
        ),
        "male": ("Arjun", "Rohan", "Vikram", "Aditya", "Rahul", "Nikhil", "Siddharth", "Varun"),
        "non_binary": ("Kiran", "Jyoti", "Avi"),
    },
    "punjabi": {
        "female": ("Harleen", "Simran", "Gurpreet", "Jasleen", "Navneet", "Manpreet"),
        "male": ("Gurdeep", "Jaskaran", "Manjot", "Parminder", "Hardeep"),
        "non_binary": ("Harpreet", "Amandeep", "Jaspreet"),
    },
    "urdu": {
        "female": ("Ayesha", "Zoya", "Fatima", "Sana", "Mehreen", "Nazia"),
        "male": ("Imran", "Faisal", "Arif", "Zaid", "Tariq", "Irfan"),
        "non_binary": ("Noor", "Sahar"),
    },
    "bengali": {
        "female": ("Ishani", "Moumita", "Rituparna", "Debjani", "Tanushree", "Paromita"),
        "male": ("Arnab", "Debashish", "Subhajit", "Ritwik", "Sayan", "Sourav"),
        "non_binary": ("Soumya", "Joy"),
    },
    "marathi": {
        "female": ("Aparna", "Madhura", "Sayali", "Ketaki", "Gauri", "Rutuja"),
        "male": ("Aniket", "Omkar", "Tejas", "Sameer", "Shantanu", "Ninad"),
        "non_binary": ("Sai", "Kiran"),
    },
    "gujarati": {
        "female": ("Hetal", "Khushi", "Nirali", "Dhara", "Krupa", "Foram"),
        "male": ("Harsh", "Parth", "Dhaval", "Chirag", "Jigar", "Bhavin"),
        "non_binary": ("Kiran", "Jeet"),
    },
    "tamil": {
        "female": ("Lakshmi", "Divya", "Revathi", "Nithya", "Keerthana", "Janani"),
        "male": ("Karthik", "Arun", "Senthil", "Vignesh", "Balaji", "Dinesh"),
        "non_binary": ("Sasi", "Jaya"),
    },
    "telugu": {
        "female": ("Sravani", "Harika", "Bhavana", "Deepthi", "Lavanya", "Sahithi"),
        "male": ("Srinivas", "Venkat", "Pavan", "Ravi", "Naveen", "Sandeep"),
        "non_binary": ("Chaitanya", "Teja", "Sai"),
    },
    "kannada": {
        "female": ("Sushma", "Pallavi", "Spoorthi", "Shruti", "Chaitra", "Rashmi"),
        "male": ("Prajwal", "Mahesh", "Raghavendra", "Nagendra", "Shreyas", "Manjunath"),
        "non_binary": ("Sai", "Kiran"),
    },
    "malayalam": {
        "female": ("Aswathy", "Lekshmi", "Reshma", "Nimisha", "Anitha", "Sreelakshmi"),
        "male": ("Akhil", "Jithin", "Vishnu", "Anoop", "Sajan", "Midhun"),
        "non_binary": ("Jyothi", "Ashwin"),
    },
    "english": {
        "female": ("Emma", "Olivia", "Hannah", "Grace", "Chloe", "Sophie"),
        "male": ("James", "Oliver", "Daniel", "Samuel", "Henry", "Edward"),
        "non_binary": ("Alex", "Sam", "Jordan", "Robin", "Charlie"),
    },
    "spanish": {
        "female": ("Lucía", "Carmen", "Elena", "Paula", "Marta", "Sofía"),
        "male": ("Javier", "Diego", "Mateo", "Andrés", "Álvaro"),
        "non_binary": ("Ariel", "Cruz"),
    },
    "french": {
        "female": ("Élodie", "Margaux", "Chloé", "Léa", "Manon"),
        "male": ("Julien", "Mathieu", "Théo", "Louis", "Hugo"),
        "non_binary": ("Camille", "Dominique", "Claude"),
    },
    "german": {
        "female": ("Lena", "Anja", "Katrin", "Miriam", "Jana"),
        "male": ("Lukas", "Felix", "Tobias", "Matthias", "Florian"),
        "non_binary": ("Kim", "Luca", "Eike"),
    },
}

LAST_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "hindi": ("Sharma", "Verma", "Gupta", "Agarwal", "Mehra", "Saxena", "Srivastava", "Tiwari"),
    "punjabi": ("Gill", "Sandhu", "Dhillon", "Grewal", "Bajwa", "Ahluwalia", "Malhotra"),
    "urdu": ("Qureshi", "Siddiqui", "Ansari", "Hussain", "Rizvi", "Naqvi", "Sheikh"),
    "bengali": ("Banerjee", "Chatterjee", "Mukherjee", "Ghosh", "Bose", "Dutta", "Sarkar"),
    "marathi": ("Kulkarni", "Deshpande", "Joshi", "Patil", "Gokhale", "Apte", "Pawar", "Kale"),
    "gujarati": ("Shah", "Patel", "Mehta", "Desai", "Trivedi", "Parikh", "Thakkar", "Vyas"),
    "tamil": ("Iyer", "Subramanian", "Raman", "Krishnan", "Natarajan", "Venkatesan", "Sundaram"),
    "telugu": ("Reddy", "Rao", "Naidu", "Vemula", "Gopisetty", "Nallamothu", "Kommineni"),
    "kannada": ("Hegde", "Shetty", "Gowda", "Bhat", "Kamath", "Acharya", "Kini"),
    "malayalam": ("Nair", "Menon", "Pillai", "Kurup", "Varghese", "Kurian", "Thomas"),
    "english": ("Walker", "Bennett", "Hughes", "Fletcher", "Morgan", "Clarke", "Reid"),
    "spanish": ("García", "Fernández", "Ortega", "Romero", "Navarro", "Castillo"),
    "french": ("Moreau", "Lefebvre", "Girard", "Fontaine", "Lambert", "Bonnet"),
    "german": ("Schneider", "Becker", "Hoffmann", "Schäfer", "Krüger", "Vogel"),
}

# How often each group appears in an Indian demo clinic; international groups are rarer.
GROUP_WEIGHTS: Final[dict[str, float]] = {
    "hindi": 16,
    "punjabi": 6,
    "urdu": 6,
    "bengali": 8,
    "marathi": 9,
    "gujarati": 6,
    "tamil": 9,
    "telugu": 7,
    "kannada": 8,
    "malayalam": 7,
    "english": 4,
    "spanish": 1.5,
    "french": 1.5,
    "german": 1.5,
}

# LANGUAGES codes a member of the group may speak besides (usually) English.
GROUP_LANGUAGES: Final[dict[str, tuple[str, ...]]] = {
    "hindi": ("hi",),
    "punjabi": ("pa", "hi"),
    "urdu": ("ur", "hi"),
    "bengali": ("bn", "hi"),
    "marathi": ("mr", "hi"),
    "gujarati": ("gu", "hi"),
    "tamil": ("ta",),
    "telugu": ("te",),
    "kannada": ("kn",),
    "malayalam": ("ml",),
    "english": (),
    "spanish": ("es",),
    "french": ("fr",),
    "german": ("de",),
}

# The local language(s) of the default cities; a city not listed here adds none.
CITY_LANGUAGES: Final[dict[str, tuple[str, ...]]] = {
    "Bengaluru": ("kn", "ta", "te"),
    "Mumbai": ("mr", "hi", "gu"),
    "Delhi": ("hi", "pa", "ur"),
    "Pune": ("mr", "hi"),
    "Chennai": ("ta", "te"),
    "Kolkata": ("bn", "hi"),
}

# Plausible Indian qualifications per PROFESSIONS code.
CREDENTIALS: Final[dict[str, tuple[str, ...]]] = {
    "clinical_psychologist": (
        "M.Phil. Clinical Psychology, RCI-registered",
        "Professional Diploma in Clinical Psychology, RCI-registered",
        "PsyD Clinical Psychology, RCI-registered",
    ),
    "counselling_psychologist": (
        "M.A. Counselling Psychology",
        "M.Sc. Counselling Psychology",
        "M.A. Applied Psychology (Counselling)",
    ),
    "psychiatrist": ("MD Psychiatry", "DNB Psychiatry", "MBBS, DPM"),
    "psychotherapist": (
        "M.A. Psychology, Postgraduate Diploma in Psychotherapy",
        "MSW, Postgraduate Diploma in Psychotherapy",
        "M.Sc. Psychology, Diploma in Integrative Psychotherapy",
    ),
    "counsellor": (
        "M.A. Psychology, Diploma in Counselling",
        "MSW, Certificate in Counselling Skills",
        "PG Diploma in Guidance and Counselling",
    ),
}

# APPROACHES codes typical of each profession. "medication" is prescribed only by psychiatrists,
# and every psychiatrist offers it (see clinic._make_approaches).
PROFESSION_APPROACHES: Final[dict[str, tuple[str, ...]]] = {
    "clinical_psychologist": (
        "cbt",
        "act",
        "dbt",
        "schema",
        "emdr",
        "psychodynamic",
        "compassion_focused",
        "mindfulness",
    ),
    "counselling_psychologist": (
        "cbt",
        "person_centred",
        "solution_focused",
        "act",
        "interpersonal",
        "mindfulness",
        "systemic",
    ),
    "psychiatrist": ("cbt", "psychodynamic", "interpersonal", "mindfulness"),
    "psychotherapist": (
        "psychodynamic",
        "person_centred",
        "schema",
        "emdr",
        "systemic",
        "compassion_focused",
        "interpersonal",
        "act",
    ),
    "counsellor": ("person_centred", "solution_focused", "cbt", "mindfulness", "systemic"),
}
