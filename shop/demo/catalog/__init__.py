"""Demo catalog: category tree, MD teams with a staff login per role, corner shops and products with pictures.

Idempotent (natural keys: category/store/team slugs, usernames, product name within a shop) and deterministic
(every random choice comes from `rng`). `scale` multiplies the product count: 1 gives ~220 hand-written products,
the page benchmark uses 50 (~11,000). Product pictures are the project's generated category pictures, drawn once
per category and variant and shared by products, so a large scale costs no extra drawing.

tree.py holds the categories and product lines, teams.py the shops and their MD teams, products.py `seed`.
"""

from shop.demo.catalog.products import seed

__all__ = ["seed"]
