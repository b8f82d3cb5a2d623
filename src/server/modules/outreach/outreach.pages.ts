/** The public unsubscribe pages: plain HTML, no script, no session (a recipient has neither). */

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char)

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f4f6f8; color: #1f2933; margin: 0; }
  main { max-width: 28rem; margin: 12vh auto; background: #fff; border: 1px solid #dde2e8; border-radius: 10px; padding: 2rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .75rem; }
  p { line-height: 1.5; margin: 0 0 1rem; }
  button { font: inherit; background: #1c7ed6; color: #fff; border: 0; border-radius: 6px; padding: .6rem 1.2rem; cursor: pointer; }
  .muted { color: #616e7c; font-size: .9rem; }
</style>
</head>
<body><main>${body}</main></body>
</html>`
}

export function confirmPage(params: { token: string; email: string; workspaceName: string }): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe?</h1>
<p>Stop emails from <strong>${escapeHtml(params.workspaceName)}</strong>’s customer success team to <strong>${escapeHtml(params.email)}</strong>.</p>
<form method="post" action="/u/${encodeURIComponent(params.token)}"><button type="submit">Unsubscribe</button></form>
<p class="muted">Nothing changes until you press the button.</p>`,
  )
}

export function donePage(params: { email: string; workspaceName: string }): string {
  return page(
    'You are unsubscribed',
    `<h1>You are unsubscribed</h1>
<p><strong>${escapeHtml(params.email)}</strong> will get no more automated emails from <strong>${escapeHtml(params.workspaceName)}</strong>’s customer success team.</p>`,
  )
}

export function notFoundPage(): string {
  return page('Link not found', `<h1>Link not found</h1><p>This unsubscribe link is not valid. Check that the whole link was copied from the email.</p>`)
}
