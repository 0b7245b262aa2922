// What a visitor sees for a page or record that is not there (or not their organisation's).
export default function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p className="lede">There is nothing here, or it belongs to another organisation.</p>
      <p>
        <a href="/">Back to the overview</a>
      </p>
    </>
  );
}
