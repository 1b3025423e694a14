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

/**
 * Downloads a file from one of the app's resource routes through fetch, for the same reason. The file keeps the
 * name the route gives it (Content-Disposition), else `fallbackName`.
 */
export async function downloadFile(url: string, fallbackName: string) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The download failed (${response.status})`);
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1];
  saveFile(await response.blob(), named ?? fallbackName);
}
