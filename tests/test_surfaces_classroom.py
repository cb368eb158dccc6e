"""The classroom surfaces of issue 14: d2l's two quadratics and the rotatable canyon."""

import math

import numpy as np
import pytest

import surfaces


@pytest.mark.parametrize(("name", "lr"), [("d2l_elongated", 0.4), ("d2l_bowl", 0.1)])
def test_d2l_surfaces_carry_the_books_settings(name, lr):
    s = surfaces.get(name)
    assert s.start == (-5.0, -2.0)
    assert s.lr == pytest.approx(lr)  # the book's learning rate is the suggested one
    np.testing.assert_allclose(s.grad(np.array([[0.0, 0.0]])), [[0.0, 0.0]])


def test_d2l_elongated_is_the_books_function():
    s = surfaces.get("d2l_elongated")
    xy = np.array([[-5.0, -2.0], [1.5, 0.3]])
    np.testing.assert_allclose(s.value(xy), 0.1 * xy[:, 0] ** 2 + 2 * xy[:, 1] ** 2)
    np.testing.assert_allclose(s.hessian(xy)[0], [[0.2, 0.0], [0.0, 4.0]])


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, 90.0])
def test_canyon_angle_rotates_the_canyon(angle):
    plain = surfaces.get("canyon")
    turned = surfaces.get("canyon", angle=angle)
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    xy = np.random.default_rng(0).uniform(-3, 3, (20, 2))
    np.testing.assert_allclose(turned.value(xy @ rot.T), plain.value(xy), rtol=1e-12, atol=1e-14)
    assert plain.value(np.array([[1.0, 1.0]]))[0] == pytest.approx((1 + 50) / 20)
