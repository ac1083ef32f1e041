using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Wharf.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TrackingArtifacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tracking_artifacts",
                columns: table => new
                {
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    path = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    digest = table.Column<string>(type: "character varying(140)", maxLength: 140, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    created_time = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_artifacts", x => new { x.run_uuid, x.path });
                    table.ForeignKey(
                        name: "fk_tracking_artifacts_tracking_runs_run_uuid",
                        column: x => x.run_uuid,
                        principalTable: "tracking_runs",
                        principalColumn: "run_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_dataset_inputs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    digest = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    source_type = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    schema = table.Column<string>(type: "text", nullable: true),
                    profile = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_dataset_inputs", x => x.id);
                    table.ForeignKey(
                        name: "fk_tracking_dataset_inputs_tracking_runs_run_uuid",
                        column: x => x.run_uuid,
                        principalTable: "tracking_runs",
                        principalColumn: "run_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_dataset_input_tags",
                columns: table => new
                {
                    input_id = table.Column<long>(type: "bigint", nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    value = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_dataset_input_tags", x => new { x.input_id, x.key });
                    table.ForeignKey(
                        name: "fk_tracking_dataset_input_tags_tracking_dataset_inputs_input_id",
                        column: x => x.input_id,
                        principalTable: "tracking_dataset_inputs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_artifacts_digest",
                table: "tracking_artifacts",
                column: "digest");

            migrationBuilder.CreateIndex(
                name: "ix_tracking_dataset_inputs_run_uuid_name_digest",
                table: "tracking_dataset_inputs",
                columns: new[] { "run_uuid", "name", "digest" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tracking_artifacts");

            migrationBuilder.DropTable(
                name: "tracking_dataset_input_tags");

            migrationBuilder.DropTable(
                name: "tracking_dataset_inputs");
        }
    }
}
