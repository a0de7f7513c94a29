#!/usr/bin/env python3
"""Generates a synthetic dpa workspace of N vendors for benchmarks.

Usage: bench/generate.py N DIR [--seed S]

Records are realistic and varied: every CCPA and GDPR role, EEA, UK, Swiss and
Californian data, vendors inside and outside the EEA (with and without
adequacy, with the DPF), 0-12 sub-processors, special-category data for some,
and a handful of Annex II measures each. The company record is the repository's
own dpa.toml. The same N and seed always give the same files.
"""

import argparse
import os
import random
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

COUNTRIES = ["US", "US", "US", "IN", "DE", "FR", "IE", "NL", "GB", "CH", "JP", "BR", "CA", "SG", "PL", "ES"]
PRODUCTS = ["analytics", "hosting", "email delivery", "payments", "customer support", "CRM", "HR software",
            "payroll", "marketing automation", "error monitoring", "video calls", "document signing",
            "background checks", "translation", "data warehousing", "identity verification"]
WORDS = ["Acme", "Nimbus", "Vertex", "Harbor", "Quill", "Summit", "Beacon", "Orbit", "Lumen", "Cedar",
         "Atlas", "Pioneer", "Juniper", "Maple", "Kestrel", "Granite", "Willow", "Falcon", "Aurora", "Delta"]
SUFFIX = {"US": "Inc.", "IN": "Private Limited", "DE": "GmbH", "FR": "SAS", "IE": "Limited", "NL": "B.V.",
          "GB": "Ltd", "CH": "AG", "JP": "K.K.", "BR": "Ltda.", "CA": "Inc.", "SG": "Pte. Ltd.", "PL": "sp. z o.o.",
          "ES": "S.L."}
CATEGORIES = ["Name", "Email address", "Phone number", "Postal address", "Account identifiers", "Device identifiers",
              "IP address", "Usage events", "Payment card token", "Bank account details", "Job title",
              "Support ticket content", "Location data", "Purchase history", "Cookie identifiers"]
SUBJECTS = ["End users of the service", "Employees of the company", "Prospective customers", "Website visitors",
            "Job applicants", "Contractors of the company"]
SENSITIVE = ["Health data for sick pay, payroll team only", "Biometric templates for identity checks, deleted after match",
             "Trade union membership for dues deductions", "Criminal record checks for regulated roles"]
MEASURES = {"encryption": "AES-256 at rest; TLS 1.2 or higher in transit",
            "access_control": "SSO with MFA; quarterly access reviews",
            "logging": "Central audit logging retained for 12 months",
            "testing": "Annual penetration test by an independent firm",
            "resilience": "Replicated across two availability zones",
            "restoration": "Restore from backup within 8 hours, tested quarterly",
            "physical_security": "ISO 27001 data centres with badge access",
            "certification": "SOC 2 Type II, renewed annually",
            "minimisation": "Only fields needed for the service are collected",
            "erasure": "Deletion on request within 30 days"}


def q(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def vendor(i, rnd):
    country = rnd.choice(COUNTRIES)
    name = f"{rnd.choice(WORDS)} {rnd.choice(WORDS)} {i} {SUFFIX[country]}"
    product = rnd.choice(PRODUCTS)
    regions = sorted(set(rnd.sample(["US-CA", "EEA", "UK", "CH"], rnd.randint(1, 4))))
    ccpa = rnd.choice(["service_provider", "service_provider", "contractor", "third_party"]) if "US-CA" in regions else "none"
    european = any(r in regions for r in ("EEA", "UK", "CH"))
    gdpr = rnd.choice(["processor", "processor", "processor", "sub_processor"]) if european else "none"
    if ccpa == "third_party":
        gdpr = "none" if not european else gdpr
    mechanism = "scc"
    if country == "US" and european and rnd.random() < 0.35:
        mechanism = "dpf"
    lines = [f"# Synthetic vendor {i}", f"name = {q(name)}", f"short_name = {q(name.split()[0] + ' ' + name.split()[1])}",
             f"address = {q(f'{rnd.randint(1, 999)} Example Street, Example City')}", f"country = {q(country)}", "",
             "[contact]", f"name = {q('Privacy Officer ' + str(i))}", f"email = {q(f'privacy{i}@vendor.example')}", "",
             "[signatory]", f"name = {q('Signatory ' + str(i))}", 'title = "Chief Executive Officer"', "",
             "[service]", f"description = {q(product.capitalize() + ' for the company')}",
             f"starts = 2025-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}", "",
             "[processing]", f"regions = [{', '.join(q(r) for r in regions)}]", f"ccpa_role = {q(ccpa)}",
             f"gdpr_role = {q(gdpr)}",
             f"purposes = [{q('Provide ' + product)}, {q('Support and troubleshoot ' + product)}]",
             f"data_subjects = [{', '.join(q(s) for s in rnd.sample(SUBJECTS, rnd.randint(1, 3)))}]",
             f"data_categories = [{', '.join(q(c) for c in rnd.sample(CATEGORIES, rnd.randint(2, 7)))}]"]
    if rnd.random() < 0.1:
        lines.append(f"sensitive_data = [{q(rnd.choice(SENSITIVE))}]")
    lines += ['frequency = "continuous"', 'retention = "For the term of the agreement, then deleted within 30 days"', ""]
    # Only importers outside the EEA without adequacy state a mechanism; others need none.
    # Brazil is adequate for EU data (Implementing Decision (EU) 2026/179), not for UK or Swiss data.
    needs = country in ("US", "IN", "SG") or (country == "BR" and ("UK" in regions or "CH" in regions))
    lines += ["[transfers]"] + ([f"mechanism = {q(mechanism)}"] if needs else []) + [
              f"subprocessor_authorisation = {q(rnd.choice(['general', 'general', 'specific']))}",
              f"subprocessor_notice_days = {rnd.choice([14, 30, 45, 60])}", ""]
    lines += ["[security]"] + [f"{k} = {q(v)}" for k, v in rnd.sample(sorted(MEASURES.items()), rnd.randint(2, 6))] + [""]
    for s in range(rnd.randint(0, 12)):
        c = rnd.choice(COUNTRIES)
        lines += ["[[subprocessors]]", f"name = {q(rnd.choice(WORDS) + ' Sub ' + str(s) + ' ' + SUFFIX[c])}",
                  f"country = {q(c)}", f"purpose = {q(rnd.choice(PRODUCTS).capitalize())}",
                  # Annex III names each sub-processor's address and contact under specific authorisation.
                  f"address = {q(f'{s + 1} Processor Road, Example City')}",
                  f"contact = {q(f'Data Protection Officer, dpo{s}@sub.example')}", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("dir")
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    if os.path.exists(args.dir):
        shutil.rmtree(args.dir)
    os.makedirs(os.path.join(args.dir, "vendors"))
    shutil.copy(os.path.join(ROOT, "dpa.toml"), os.path.join(args.dir, "dpa.toml"))
    width = len(str(args.n))
    for i in range(args.n):
        with open(os.path.join(args.dir, "vendors", f"v{i:0{width}d}.toml"), "w") as f:
            f.write(vendor(i, rnd))


if __name__ == "__main__":
    main()
