// The fixture's index: bench/pages.ts startBare waits for it to answer.
export default function Page() {
  return <p>Markup fixture</p>;
}
