"""Steps every browser journey takes."""


def log_in(page, base: str, username: str, password: str, next_path: str = "") -> None:
    """Sign in through the login form, going on to `next_path` (else home)."""
    page.goto(base + "/accounts/login/" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
