"""Generate the bundled demo data of ldap2ftrack: the fictional studio "Northlight Studios".

Writes three files next to this script:
  directory.ldif  an RFC 2849 LDIF export of ou=people and ou=groups under dc=northlight,dc=example
  ftrack.json     the users and groups of the studio's ftrack server (the snapshot format)
  links.json      identity links (entryUUID -> ftrack user id) recorded by earlier runs of the tool

Planned with the hand-written config.toml, the data shows every outcome (create, update, rename,
reactivate, deactivate, unchanged, skip, conflict); each special case below carries a comment naming
its intended outcome, and README.md lists them. All randomness comes from random.Random(2026), so
every run writes identical files. Regenerate with:  python3 assets/demo/generate.py  (stdlib only)
"""

import base64
import json
import random
import unicodedata
import uuid
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent
BASE = "dc=northlight,dc=example"
PEOPLE = f"ou=people,{BASE}"
DOMAIN = "northlight.example"
TOTAL_PEOPLE = 300
rng = random.Random(2026)

# Directory group -> (ftrack group, relative headcount, job titles; the last title is the lead's).
DEPARTMENTS = {
    "compositing": ("Compositing", 45, ["Compositor", "Senior Compositor", "Compositing Supervisor"]),
    "lighting": ("Lighting", 38, ["Lighting Artist", "Senior Lighting Artist", "Lighting Lead"]),
    "animation": ("Animation", 50, ["Animator", "Senior Animator", "Animation Supervisor"]),
    "fx": ("FX", 30, ["FX Artist", "FX TD", "FX Lead"]),
    "modelling": ("Modelling", 22, ["Modeller", "Texture Artist", "Modelling Lead"]),
    "rigging": ("Rigging", 14, ["Rigger", "Creature TD", "Rigging Lead"]),
    "layout": ("Layout", 14, ["Layout Artist", "Previs Artist", "Layout Lead"]),
    "production": ("Production", 26, ["Production Coordinator", "Production Manager", "Producer"]),
    "pipeline": ("Pipeline", 14, ["Pipeline TD", "Software Developer", "Head of Pipeline"]),
    "editorial": ("Editorial", 9, ["Assistant Editor", "Editor", "Editorial Lead"]),
    "it": ("IT", 9, ["Systems Administrator", "IT Support Engineer", "Head of IT"]),
}
# A plausible second department for the people who belong to two.
SECOND = {"pipeline": "it", "it": "pipeline", "layout": "animation", "animation": "layout",
          "fx": "lighting", "lighting": "compositing", "compositing": "lighting",
          "rigging": "modelling", "modelling": "rigging", "editorial": "production"}
# A 12th directory group, "leads", is deliberately left out of config.toml: the tool ignores it.
GROUP_DESCRIPTIONS = {g: f"{name} department" for g, (name, _, _) in DEPARTMENTS.items()}
GROUP_DESCRIPTIONS["leads"] = "Department leads and supervisors"
FTRACK_GROUPS = [name for name, _, _ in DEPARTMENTS.values()] + ["Clients", "Freelancers"]

# (weight, first names, last names); "_" stands for a space. Accents on purpose: LDIF must base64 them.
CULTURES = [
    (4, "Oliver Amelia Jack Charlotte Harry Isla George Emily Thomas Grace Daniel Lucy Samuel Chloe Holly",
     "Smith Jones Taylor Brown Wilson Evans Walker Robinson Hughes Edwards Green Hall Wood Clarke Turner Ward"),
    (2, "Élodie Léa Chloé Théo Hélène Jérôme François Amélie Benoît Cécile Mathis Noémie Gaëlle Loïc",
     "Lefèvre Dubois Girard Lambert Bonnet Mercier Rousseau Chevalier Gauthier Bérard Faure Renaud Lemaître"),
    (2, "Jürgen Lukas Anna Jörg Lena Felix Käthe Matthias Sabine Tobias Uwe Franziska Günter Annika",
     "Schröder Weiß Köhler Groß Hoffmann Schäfer Krüger Vogel Wagner Becker Schmitt Förster Hähnel"),
    (2, "José María Lucía Andrés Ramón Sofía Íñigo Begoña Álvaro Martín Carmen Javier Nuria Pablo",
     "Muñoz Núñez Ibáñez Peña García Martínez Rodríguez Gómez Castaño Ordóñez Sánchez Romero Jiménez"),
    (2, "Søren Åsa Bjørn Sigrún Mikael Ingrid Kjetil Elín Henrik Maja Ólafur Freja Jens Liv",
     "Ødegård Sørensen Åberg Nyström Kristiansen Haraldsen Bjørnstad Løvlie Holmberg Jónsson Þórsson Dahl"),
    (1, "Łukasz Małgorzata Paweł Zofia Wojciech Agnieszka Michał Joanna Krzysztof Ewa Jakub Katarzyna",
     "Nowak Wójcik Mazur Król Zając Woźniak Kaczmarek Michalak Pawlak Sikora Baran Dudek"),
    (1, "Giulia Marco Chiara Francesca Matteo Lorenzo Sara Niccolò Elena Davide",
     "Bianchi Ricci Romano Colombo Esposito Greco Bruno Gallo Conti Marino De_Luca Fontana"),
    (1, "João Conceição Inês Gonçalo Tiago Beatriz Luís Mariana",
     "Gonçalves Araújo Simões Magalhães Silva Pereira Ferreira Lopes"),
    (1, "Siobhán Aoife Niamh Seán Ciarán Oisín Pádraig Róisín",
     "O'Connor O'Sullivan Byrne Kavanagh Gallagher Doyle McCarthy Ó_Briain"),
    (2, "Aarav Ananya Rohan Priyanka Vikram Kavya Arjun Meera Sanjay Neha",
     "Sharma Iyer Reddy Gupta Nair Menon Rao Chatterjee Desai Joshi"),
    (1, "Chinedu Ngozi Oluwaseun Adaeze Kwame Ama Tunde Folake", "Adeyemi Mensah Okonkwo Boateng Eze Balogun"),
    (1, "Çağrı Gülşen Emre Şebnem Özgür İlker Elif Burak", "Yılmaz Öztürk Şahin Çelik Doğan Aydın Kaya Arslan"),
    (1, "Omar Layla Youssef Amira Karim Nour Rania Tarek", "Haddad Khalil Mansour Saleh Nasser Aziz Farouk"),
    (1, "Sanne Daan Bram Femke Joost Maarten Lotte Ruben", "de_Vries van_Dijk Bakker Visser Smit Meijer de_Jong"),
]
# People written in CJK script: (uid, sn, givenName, separator in cn). Japanese cn has a space.
CJK = [("tyamada", "山田", "太郎", " "), ("hsato", "佐藤", "花子", " "), ("isuzuki", "鈴木", "一郎", " "),
       ("mtakahashi", "高橋", "美咲", " "), ("ktanaka", "田中", "健太", " "), ("ywatanabe", "渡辺", "由美", " "),
       ("fwang", "王", "芳", ""), ("nli", "李", "娜", ""), ("yliu", "刘", "洋", ""), ("jchen", "陈", "静", ""),
       ("lyang", "杨", "磊", ""), ("mkim", "김", "민준", ""), ("slee", "이", "서연", ""), ("jpark", "박", "지훈", "")]
FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "þ": "th", "Þ": "Th", "ı": "i"})

people, ftrack_users, links, outcomes = [], [], [], []
taken = set()  # lower-cased usernames already used on either side


def new_id():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def ascii_fold(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text.translate(FOLD)) if not unicodedata.combining(c))


def person(uid, given, sn, groups, outcome, *, cn=None, mail="", ou=PEOPLE, extra=(), listed=True):
    """A directory person. mail "" means <uid>@northlight.example, None means no mail attribute.
    listed=False makes someone who has left the directory (a leaver)."""
    titles = DEPARTMENTS[groups[0]][2]
    p = dict(uid=uid, given=given, sn=sn, cn=cn or f"{given} {sn}", groups=list(groups), names=True,
             mail=f"{uid}@{DOMAIN}" if mail == "" else mail, dn=f"uid={uid},{ou}", id=new_id(),
             title=titles[-1] if "leads" in groups else rng.choice(titles[:-1]), extra=list(extra))
    taken.add(uid.lower())
    if listed:
        people.append(p)
        outcomes.append((outcome, uid))
    return p


def ftrack(p=None, *, link=True, outcome=None, **fields):
    """An ftrack user as an earlier sync would have left person p, with `fields` overriding that."""
    u = dict(id=new_id(), username=None, first_name="", last_name="", email=None, is_active=True, groups=[])
    if p:
        first, _, last = p["cn"].partition(" ")  # entries without givenName/sn: the tool splits cn
        u.update(username=p["uid"], first_name=p["given"] if p["names"] else first,
                 last_name=p["sn"] if p["names"] else last, email=p["mail"],
                 groups=[DEPARTMENTS[g][0] for g in p["groups"] if g in DEPARTMENTS])
    u.update(fields)
    ftrack_users.append(u)
    taken.add(u["username"].lower())
    if link:
        links.append(dict(directory_id=p["id"], ftrack_id=u["id"], username=u["username"]))
    if outcome:
        outcomes.append((outcome, u["username"]))


def pick_groups():
    dept = rng.choices(list(DEPARTMENTS), [weight for _, weight, _ in DEPARTMENTS.values()])[0]
    groups = [dept] + ([SECOND[dept]] if dept in SECOND and rng.random() < 0.08 else [])  # a few have two
    return groups + (["leads"] if rng.random() < 0.12 else [])


def draw_name():
    """A random name from one culture whose uid (initial + surname, folded to ASCII) is still free."""
    while True:
        _, firsts, lasts = rng.choices(CULTURES, [c[0] for c in CULTURES])[0]
        given, sn = rng.choice(firsts.split()), rng.choice(lasts.split()).replace("_", " ")
        uid = "".join(c for c in ascii_fold(given[0] + sn).lower() if c.isalnum())
        if uid not in taken:
            return uid, given, sn


def build():
    # --- unchanged: linked, identical on both sides ------------------------------------------------
    for uid, sn, given, sep in CJK:
        ftrack(person(uid, given, sn, pick_groups(), "unchanged", cn=f"{sn}{sep}{given}"))
    # long names: the base64 cn line of the first and the plain cn line of the second are folded
    ftrack(person("mfernandez", "María de los Ángeles", "Fernández-Castillo y García-Villanueva",
                  ["animation"], "unchanged"))
    ftrack(person("bfitzwilliam", "Bartholomew Alexander Maximilian",
                  "Fitzwilliam-Montgomery-Ashworth-Smythe-Pryce", ["production"], "unchanged"))
    ftrack(person("sobrien", "Siobhán", "O'Brien", ["compositing"], "unchanged"))  # apostrophe + accent
    ftrack(person("cobrien", "Connor", "O'Brien", ["lighting"], "unchanged"))  # apostrophe, plain ASCII
    # unchanged although disabled: the linked ftrack account is already inactive
    ftrack(person("pkaur", "Prabhjot", "Kaur", ["rigging"], "unchanged",
                  extra=[("pwdAccountLockedTime", "20260301120000Z")]), is_active=False)

    # --- update: matched, some field differs ---------------------------------------------------------
    ftrack(person("ecarter", "Emma", "Lindqvist", ["animation"], "update"), last_name="Carter")  # married
    ftrack(person("sbrooks", "Sarah", "Okafor", ["lighting"], "update"), last_name="Brooks")  # married
    ftrack(person("tnguyen", "Thao", "Nguyen", ["compositing"], "update", mail=f"thao.nguyen@{DOMAIN}"),
           email=f"tnguyen@{DOMAIN}")  # new email address
    ftrack(person("rmoreau", "Rémi", "Moreau", ["fx"], "update"), email="rmoreau@old-northlight.example")
    ftrack(person("kjohansen", "Kathrine", "Johansen", ["modelling"], "update"), first_name="Katrine")
    ftrack(person("zharris", "Zoë", "Harris", ["layout"], "update"), first_name="Zoe")  # diaeresis
    ftrack(person("jmuller", "Jürgen", "Müller", ["rigging"], "update"),
           first_name="Jurgen", last_name="Muller")  # typed without umlauts in ftrack
    ftrack(person("lfischer", "Lena", "Fischer", ["compositing"], "update"), groups=["Lighting"])  # moved
    ftrack(person("arossi", "Alessandro", "Rossi", ["layout"], "update"), groups=["Animation"])  # moved
    ftrack(person("bsingh", "Baljit", "Singh", ["pipeline", "it"], "update"), groups=["Pipeline"])  # +IT
    ftrack(person("cwalsh", "Ciara", "Walsh", ["fx", "lighting"], "update"), groups=["FX"])  # +Lighting
    ftrack(person("dkowalczyk", "Dorota", "Kowalczyk", ["animation"], "update"),
           groups=["Animation", "Layout"])  # loses Layout
    ftrack(person("gmartin", "Gabriel", "Martin", ["production"], "update"),
           groups=["Production", "Editorial", "Clients"])  # loses Editorial; unmanaged Clients stays
    # rename: linked by entryUUID; uid, mail and last name changed in the directory
    ftrack(person("jlaurent-moreau", "Julie", "Laurent-Moreau", ["editorial"], "update"),
           username="jlaurent", last_name="Laurent", email=f"jlaurent@{DOMAIN}")
    # rename: ftrack "ppatel" is linked to Priya, whose uid is now priya.patel (frees "ppatel", see below)
    ftrack(person("priya.patel", "Priya", "Patel", ["production"], "update"),
           username="ppatel", email=f"ppatel@{DOMAIN}")
    # not linked yet: matched by username (case-insensitively), linked now, and a field differs
    ftrack(person("akowalski", "Adam", "Kowalski", ["fx"], "update"), link=False, username="AKowalski",
           last_name="Kowalsky")  # the case-only username difference alone would not be a change
    ftrack(person("mperez", "Miguel", "Pérez", ["animation"], "update"), link=False, groups=[])
    ftrack(person("hlarsen", "Hanne", "Larsen", ["lighting"], "update"), link=False, first_name="", last_name="")
    ftrack(person("fdubois", "Florence", "Dubois", ["compositing"], "update"), link=False, email=None)
    ftrack(person("wzhang", "伟", "张", ["pipeline"], "update", cn="张伟"), link=False,
           first_name="Wei", last_name="Zhang")  # romanised by hand in ftrack

    # --- reactivate: returning contractors, inactive in ftrack, active in the directory ------------
    ftrack(person("tbergstrom", "Tove", "Bergström", ["fx"], "reactivate"), is_active=False)
    ftrack(person("mnowak", "Marek", "Nowak", ["lighting"], "reactivate"), is_active=False)

    # --- deactivate: disabled in the directory, linked, still active in ftrack ----------------------
    locked = ("pwdAccountLockedTime", "20260301120000Z")
    ftrack(person("jwright", "James", "Wright", ["animation"], "deactivate", extra=[locked]))
    ftrack(person("aberger", "Anja", "Berger", ["compositing"], "deactivate", extra=[locked]))
    ftrack(person("mlindgren", "Mats", "Lindgren", ["fx"], "deactivate", extra=[("nsAccountLock", "TRUE")]))
    ftrack(person("cfontaine", "Céline", "Fontaine", ["lighting"], "deactivate",
                  extra=[("shadowExpire", "19000")]))  # day 19000 = 2022-01-08: expired
    # --- deactivate: leavers, linked but gone from the directory -----------------------------------
    for uid, given, sn, dept in [
            ("gthompson", "Grace", "Thompson", "compositing"), ("rlee", "Rachel", "Lee", "production"),
            ("lvasquez", "Luis", "Vásquez", "animation"), ("kmeier", "Klaus", "Meier", "fx"),
            ("pdurand", "Pierre", "Durand", "lighting"), ("snakamura", "Shun", "Nakamura", "modelling")]:
        ftrack(person(uid, given, sn, [dept], None, listed=False), outcome="deactivate")

    # --- skip: disabled in the directory and never in ftrack, so never created ---------------------
    person("yito", "Yuki", "Ito", ["layout"], "skip", extra=[("nsAccountLock", "TRUE")])
    # --- skip: ftrack-only accounts nobody linked (left alone, even kowusu.fl in a managed group,
    #     and the inactive kestrel.coord), plus the protected admin and API accounts ----------------
    for username, first, last, email, groups, active in [
        ("srusso.fl", "Sofia", "Russo", f"srusso@{DOMAIN}", ["Freelancers"], True),  # see conflict srusso
        ("mdiaz.fl", "Marta", "Díaz", "marta.diaz@freelance.example", ["Freelancers"], True),
        ("kowusu.fl", "Kofi", "Owusu", "kofi@owusu-vfx.example", ["Freelancers", "Compositing"], True),
        ("lbernard.fl", "Lucie", "Bernard", "lucie.bernard@freelance.example", ["Freelancers"], True),
        ("hvoss.fl", "Henrik", "Voss", "henrik@vossfx.example", ["Freelancers"], True),
        ("aurora.review1", "Dana", "Whitfield", "dana.whitfield@aurorapictures.example", ["Clients"], True),
        ("aurora.review2", "Marcus", "Bell", "marcus.bell@aurorapictures.example", ["Clients"], True),
        ("bluefin.producer", "Ingrid", "Solheim", "ingrid@bluefinfilms.example", ["Clients"], True),
        ("kestrel.vfxsup", "Rahul", "Mehta", "rahul.mehta@kestrelmedia.example", ["Clients"], True),
        ("kestrel.coord", "Emily", "Tran", "emily.tran@kestrelmedia.example", ["Clients"], False),
        ("admin", "Studio", "Admin", f"admin@{DOMAIN}", [], True),  # protected by config.toml
        ("ldap2ftrack-api", "ldap2ftrack", "API", None, [], True),  # the tool's own API user: protected
    ]:
        ftrack(link=False, outcome="skip", username=username, first_name=first, last_name=last, email=email,
               groups=groups, is_active=active)

    # --- conflict: the tool plans nothing for these and reports them --------------------------------
    # uids that differ only in case: two different people (MChen sits in a sub-OU so the DNs differ)
    person("MChen", "Michael", "Chen", ["pipeline"], "conflict", mail=f"michael.chen@{DOMAIN}",
           ou=f"ou=contractors,{PEOPLE}")
    person("mchen", "Mei", "Chen", ["compositing"], "conflict")
    person("srusso", "Sofia", "Russo", ["animation"], "conflict")  # mail already used by ftrack srusso.fl
    person("ppatel", "Pavan", "Patel", ["editorial"], "create",  # login freed by the priya.patel rename
           mail=f"pavan.patel@{DOMAIN}")
    person("dmorgan", "Dylan", "Morgan", ["layout"], "conflict", mail=None)  # no mail attribute
    person("anna k", "Anna", "Kovács", ["modelling"], "conflict",
           mail=f"anna.kovacs@{DOMAIN}")  # a space in the uid: not a valid username

    # --- create: new hires, in the directory only ------------------------------------------------------
    hires = [person("schoi", "수아", "최", ["animation"], "create", cn="최수아")]
    for _ in range(24):
        hires.append(person(*draw_name(), pick_groups(), "create"))
    # --- unchanged: everybody else -----------------------------------------------------------------------
    generic = []
    while len(people) < TOTAL_PEOPLE:
        uid, given, sn = draw_name()
        mail = "".join(c for c in ascii_fold(f"{given}.{sn}").lower() if c.isalnum() or c == ".")
        if rng.random() > 0.04 or any(p["mail"] == f"{mail}@{DOMAIN}" for p in people):
            mail = ""  # most people have <uid>@northlight.example, a few first.last@
        generic.append(person(uid, given, sn, pick_groups(), "unchanged", mail=mail and f"{mail}@{DOMAIN}"))
    # no givenName/sn, only cn (three unchanged people and one new hire): the tool splits cn
    one_word = [p for p in generic + hires[1:] if p["given"].isalpha() and p["sn"].isalpha()]
    for p in one_word[:3] + [next(p for p in hires[1:] if p in one_word)]:
        p["names"] = False
    generic[30]["title"] = " " + generic[30]["title"]  # stray leading space: the LDIF must base64 it
    for p in generic:  # some producers also review in the unmanaged ftrack group Clients: ignored
        clients = ["Clients"] if "production" in p["groups"] and rng.random() < 0.3 else []
        ftrack(p, groups=[DEPARTMENTS[g][0] for g in p["groups"] if g in DEPARTMENTS] + clients)


def ldif_line(attr, value):
    """attr: value, or attr:: base64 where RFC 2849 requires it; folded at 76 columns."""
    safe = value.isascii() and value[:1] not in (" ", ":", "<") and not value.endswith(" ") \
        and not any(c in value for c in "\0\r\n")
    line = f"{attr}: {value}" if safe else f"{attr}:: {base64.b64encode(value.encode()).decode()}"
    return "\n".join([line[:76]] + [" " + line[i:i + 75] for i in range(76, len(line), 75)])


def write_ldif(group_ids):
    records = []
    for p in sorted(people, key=lambda p: (p["uid"].lower(), p["uid"])):
        shadow = ["shadowAccount"] if any(a == "shadowExpire" for a, _ in p["extra"]) else []
        classes = ["top", "person", "organizationalPerson", "inetOrgPerson"] + shadow
        attrs = [("dn", p["dn"])] + [("objectClass", c) for c in classes] + [("uid", p["uid"]), ("cn", p["cn"])]
        attrs += [("givenName", p["given"]), ("sn", p["sn"])] if p["names"] else []
        attrs += [("mail", p["mail"])] if p["mail"] else []
        attrs += [("title", p["title"]), ("ou", DEPARTMENTS[p["groups"][0]][0]),
                  ("departmentNumber", p["groups"][0]), ("entryUUID", p["id"])]
        attrs += [("memberOf", f"cn={g},ou=groups,{BASE}") for g in sorted(p["groups"])] + p["extra"]
        records.append(attrs)
    for g, gid in group_ids.items():
        members = sorted((p["dn"] for p in people if g in p["groups"]), key=str.lower)
        records.append([("dn", f"cn={g},ou=groups,{BASE}"), ("objectClass", "top"),
                        ("objectClass", "groupOfNames"), ("cn", g), ("description", GROUP_DESCRIPTIONS[g]),
                        ("entryUUID", gid)] + [("member", m) for m in members])
    text = "version: 1\n\n" + "\n".join("\n".join(ldif_line(a, v) for a, v in r) + "\n" for r in records)
    (OUT / "directory.ldif").write_text(text, encoding="utf-8")


def main():
    group_ids = {g: new_id() for g in GROUP_DESCRIPTIONS}
    ftrack_groups = [dict(id=new_id(), name=name) for name in FTRACK_GROUPS]
    build()
    write_ldif(group_ids)
    users = sorted(ftrack_users, key=lambda u: u["username"].lower())
    links.sort(key=lambda link: link["directory_id"])
    for name, data in [("ftrack.json", dict(users=users, groups=ftrack_groups)),
                       ("links.json", dict(format_version=1, links=links))]:
        (OUT / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = Counter(outcome for outcome, _ in outcomes)
    print(f"{len(people)} directory people, {len(users)} ftrack users, {len(links)} links")
    print("intended outcomes:", ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
