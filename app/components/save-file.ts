/**
 * Saves a file the page fetched (inside Shopify admin, App Bridge adds the session token to fetch and to
 * actions, not to a plain link): a temporary link to the blob, clicked.
 */
export function saveFile(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked a moment later: some browsers start the download after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
