"""The policy table: roles, actions and the unit tree (donthu.access)."""

from donthu.access import POLICY, Action, Principal, Role, allowed, unit_contains


def test_every_role_has_a_row():
    assert set(POLICY) == set(Role)


def test_only_cleared_roles_see_a_denouncers_identity():
    cleared = {r for r in Role if allowed(r, Action.READ_IDENTITY)}
    assert cleared == {Role.INTAKE, Role.OFFICER, Role.LEADER}
    assert not allowed(Role.ARCHIVIST, Action.READ_IDENTITY)
    assert not allowed(Role.VERIFIER, Action.READ_IDENTITY)
    assert not allowed(Role.ADMIN, Action.READ)


def test_unit_tree():
    assert unit_contains("an-giang", "an-giang/long-xuyen/my-hoa")
    assert unit_contains("", "an-giang/long-xuyen")
    assert not unit_contains("an-giang/long-xuyen", "an-giang/chau-doc")
    assert not unit_contains("an-giang/long-xuyen", "an-giang/long-xuyen-2")  # a prefix is not a parent
    assert unit_contains("/an-giang/", "an-giang")


def test_record_actions_stay_in_the_unit_subtree():
    commune = Principal("lan", Role.OFFICER, "an-giang/long-xuyen/my-hoa")
    assert commune.may_on(Action.READ, "an-giang/long-xuyen/my-hoa")
    assert not commune.may_on(Action.READ, "an-giang/long-xuyen/my-binh")
    assert not commune.may_on(Action.READ, None)  # archived, province level: not a commune's
    leader = Principal("hung", Role.LEADER, "an-giang")
    assert leader.may_on(Action.READ, "an-giang/long-xuyen/my-hoa")
    assert leader.may_on(Action.READ_AUDIT, None)
    admin = Principal("root", Role.ADMIN, "an-giang")
    assert admin.may_on(Action.MANAGE_USERS, None)
    assert not admin.may_on(Action.READ, "an-giang")
