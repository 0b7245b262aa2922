'use client';
// An unexpected failure while rendering a page: say so and offer to try again, never a blank page.
export default function PageError({ reset }: { error: Error; reset: () => void }) {
  return (
    <>
      <h1>Something went wrong</h1>
      <p className="error" role="alert">
        The page could not be shown. The API may be restarting.
      </p>
      <button type="button" className="button-link" onClick={reset}>
        Try again
      </button>
    </>
  );
}
