import { useSearchParams } from "@remix-run/react";
import { Box, InlineStack, Pagination } from "@shopify/polaris";

/**
 * A list page's filters and page live in its URL, so a reload or a shared link shows the same rows. Changing a
 * filter goes back to the first page; `page` itself is set by the pager.
 */
export function useListParams() {
  const [searchParams, setSearchParams] = useSearchParams();
  const setParam = (name: string, value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(name, value);
    else next.delete(name);
    if (name !== "page") next.delete("page");
    setSearchParams(next);
  };
  return { searchParams, setSearchParams, setParam };
}

/** The pager under a list: nothing when everything fits on one page. */
export function ListPager({
  page,
  pageCount,
  total,
  noun,
  onPage,
}: {
  page: number;
  pageCount: number;
  total: number;
  noun: string;
  onPage: (page: number) => void;
}) {
  if (pageCount <= 1) return null;
  return (
    <Box padding="300">
      <InlineStack align="center">
        <Pagination
          hasPrevious={page > 1}
          hasNext={page < pageCount}
          label={`Page ${page} of ${pageCount} · ${total} ${noun}`}
          onPrevious={() => onPage(page - 1)}
          onNext={() => onPage(page + 1)}
        />
      </InlineStack>
    </Box>
  );
}
