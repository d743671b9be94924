"""The starter site's words: `sitegen init` writes them, and the build warns
about any still left in a site (placeholders.py).

They live apart from the starter so that reading settings needs only this
text, not the commands that write a new site.
"""

# Starter text, in the languages we can write well; others get English.
TEXT = {
    "tagline": {"en": "Talks, workshops and advice", "fr": "Conférences, ateliers et conseil"},
    "job_title": {"en": "Independent consultant", "fr": "Consultant·e indépendant·e"},
    "headline": {"en": "I help teams get better at what they do.",
                 "fr": "J’aide les équipes à progresser dans leur métier."},
    "bio": {"en": "A few sentences about you: your niche, who you work with, what changes for them.",
            "fr": "Quelques phrases sur vous : votre niche, avec qui vous travaillez, ce qui change pour eux."},
    "photo_alt": {"en": "Portrait of {name}", "fr": "Portrait de {name}"},
    "post_title": {"en": "Welcome", "fr": "Bienvenue"},
    "post_summary": {"en": "What this site is about and what you will find here.",
                     "fr": "De quoi parle ce site et ce que vous y trouverez."},
    "post_body": {"en": "This is your first post. Edit `{file}` or run `sitegen new post \"Title\"` "
                        "to write another.\n\n## What comes next\n\nTalks, workshops and notes from the field.\n",
                  "fr": "Voici votre premier article. Modifiez `{file}` ou lancez "
                        "`sitegen new post \"Titre\" --lang fr` pour en écrire un autre.\n\n"
                        "## La suite\n\nDes conférences, des ateliers et des notes de terrain.\n"},
    "talk_title": {"en": "Your signature talk", "fr": "Votre conférence phare"},
    "talk_summary": {"en": "The one talk you give most often, and what the audience takes home.",
                     "fr": "La conférence que vous donnez le plus, et ce que le public en retient."},
    "talk_body": {"en": "What it is, for whom, and what changes afterwards.",
                  "fr": "Ce que c’est, pour qui, et ce qui change ensuite."},
    "audience": {"en": "Teams and their leads", "fr": "Les équipes et leurs responsables"},
    "outcome": {"en": "A clear next step", "fr": "Une prochaine étape claire"},
    "pricing": {"en": "On request", "fr": "Sur demande"},
    "expertise_title": {"en": "Your area of expertise", "fr": "Votre domaine d’expertise"},
    "expertise_summary": {"en": "The niche you know in depth, and the problems you solve in it.",
                          "fr": "La niche que vous connaissez à fond, et les problèmes que vous y résolvez."},
    "expertise_body": {"en": "Posts tagged `expertise` and the talks naming this area are listed below.",
                       "fr": "Les articles étiquetés `expertise` et les conférences de ce domaine sont listés "
                             "ci-dessous."},
    "contact_title": {"en": "Contact", "fr": "Contact"},
    "contact_summary": {"en": "How to reach {name} about a talk, a workshop or advice.",
                        "fr": "Comment joindre {name} pour une conférence, un atelier ou un conseil."},
    "contact_body": {"en": "Write to [{email}](mailto:{email}).", "fr": "Écrivez à [{email}](mailto:{email})."},
}

# Written after the starter's base_url, so that a build can tell the
# placeholder from a real address (placeholders.py).
BASE_URL_NOTE = "the address where the site will be published"
