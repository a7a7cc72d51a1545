"""One way to page a list, for every list page: a page number that is not a
number gives the first page, one past the end the last."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def paginate(rows, number, per_page: int = PAGE_SIZE) -> Page:
    page = Paginator(rows, per_page).get_page(number)
    page.object_list = list(page.object_list)
    return page


def page_range(page: Page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2)
