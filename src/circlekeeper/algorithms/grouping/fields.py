"""Finite fields GF(q) for q a prime power, as addition and multiplication tables over 0..q-1.

The direct zero-repeat construction (designs.py) needs field arithmetic for group counts such
as 8 or 9, where arithmetic modulo q is not a field. Elements are the integers 0..q-1 read as
polynomials over GF(p) (base-p digits); multiplication reduces by an irreducible polynomial.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MAX_TABLE = 1024
"""Largest q for which full tables are built; larger fields are used only when q is prime."""


@dataclass(frozen=True)
class Field:
    """GF(q): `add(a, b)` and `mul(a, b)` over the integers 0..q-1."""

    q: int
    p: int
    _add: tuple[tuple[int, ...], ...] | None
    _mul: tuple[tuple[int, ...], ...] | None

    def add(self, a: int, b: int) -> int:
        if self._add is None:
            return (a + b) % self.q
        return self._add[a][b]

    def mul(self, a: int, b: int) -> int:
        if self._mul is None:
            return (a * b) % self.q
        return self._mul[a][b]


def prime_power(q: int) -> tuple[int, int] | None:
    """(p, e) with q = p**e and p prime, or None when q is not a prime power."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    e, rest = 0, q
    while rest % p == 0:
        rest //= p
        e += 1
    return (p, e) if rest == 1 else None


@lru_cache(maxsize=16)
def field(q: int) -> Field | None:
    """GF(q), or None when q is not a prime power (or too large a non-prime to tabulate)."""
    power = prime_power(q)
    if power is None:
        return None
    p, e = power
    if e == 1:
        return Field(q=q, p=p, _add=None, _mul=None)
    if q > MAX_TABLE:
        return None
    modulus = _irreducible(p, e)
    digits = [_digits(value, p, e) for value in range(q)]
    add = tuple(
        tuple(_value([(x + y) % p for x, y in zip(da, db, strict=True)], p) for db in digits)
        for da in digits
    )
    mul = tuple(
        tuple(_value(_reduce(_poly_mul(da, db, p), modulus, p)[:e], p) for db in digits)
        for da in digits
    )
    return Field(q=q, p=p, _add=add, _mul=mul)


def _digits(value: int, p: int, e: int) -> list[int]:
    """Coefficients of `value` as a polynomial over GF(p), lowest degree first."""
    out = []
    for _ in range(e):
        value, digit = divmod(value, p)
        out.append(digit)
    return out


def _value(coefficients: list[int], p: int) -> int:
    return sum(c * p**i for i, c in enumerate(coefficients))


def _poly_mul(a: list[int], b: list[int], p: int) -> list[int]:
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] = (out[i + j] + x * y) % p
    return out


def _reduce(poly: list[int], modulus: list[int], p: int) -> list[int]:
    """`poly` modulo the monic `modulus` over GF(p), padded to the modulus's degree."""
    poly = list(poly)
    degree = len(modulus) - 1
    for top in range(len(poly) - 1, degree - 1, -1):
        factor = poly[top]
        if factor:
            for i, c in enumerate(modulus):
                poly[top - degree + i] = (poly[top - degree + i] - factor * c) % p
    return (poly + [0] * degree)[:degree]


def _irreducible(p: int, e: int) -> list[int]:
    """The first monic irreducible polynomial of degree e over GF(p) (lowest degree first)."""
    for tail in range(p**e):
        candidate = [*_digits(tail, p, e), 1]
        if candidate[0] and not _has_factor(candidate, p):
            return candidate
    raise AssertionError(f"no irreducible polynomial of degree {e} over GF({p})")


def _has_factor(poly: list[int], p: int) -> bool:
    """Whether a monic polynomial of degree 1..deg/2 divides `poly`."""
    degree = len(poly) - 1
    for d in range(1, degree // 2 + 1):
        for tail in range(p**d):
            divisor = [*_digits(tail, p, d), 1]
            if not any(_reduce(poly, divisor, p)):
                return True
    return False
