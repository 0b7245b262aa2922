// Shown while a page's data is on its way (streamed before the page itself).
export default function Loading() {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading the thread…
    </div>
  );
}
