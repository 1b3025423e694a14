/**
 * Downloads a file from one of the app's resource routes through fetch: inside Shopify admin, App Bridge adds the
 * session token to fetch, not to a plain link. The file keeps the name the route gives it (Content-Disposition).
 */
export async function downloadFile(url: string, fallbackName: string) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`The download failed (${response.status})`);
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1];
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = named ?? fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
}
