def test_app_starts_without_exception(app_test):
    at = app_test().run()
    assert not at.exception
    assert at.title[0].value == "Loss Landscape Lab"
