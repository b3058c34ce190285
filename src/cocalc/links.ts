/**
 * The URLs people open (PROTOCOLS.md §2.4): a folder in a project, and its kiosk (embeddable) form.
 */

/** `<base>/projects/<id>/files/<path>/`, each path segment percent-encoded (spaces, #, ? in names). */
export function projectFolderUrl(baseUrl: string, projectId: string, folder: string): string {
  const encoded = folder
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => encodeURIComponent(segment))
    .join('/')
  return `${baseUrl.replace(/\/+$/, '')}/projects/${projectId}/files/${encoded}/`
}

/** The same page without CoCalc's surrounding interface, for an iframe. */
export function kioskUrl(url: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}fullscreen=kiosk`
}

/** Where a file goes in the project: `<folder>/<relative name>`. */
export function remotePathOf(folder: string, name: string): string {
  return `${folder}/${name}`
}
